"""tf.data.experimental: the constants TF1 pipelines pass along (AUTOTUNE)."""

AUTOTUNE = -1
