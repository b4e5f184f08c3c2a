"""Running graphs: Session, InteractiveSession, run plans and ConfigProto.

Imports the framework only; reaches op kernels through the registry."""
