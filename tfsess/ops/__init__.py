"""The op families (one OpDef class per TF op type), variables and tf.gradients.

Imports the framework only."""
