# tf.logging (to stderr, so not in stdout) and tf.gfile on a scratch directory.
import tensorflow as tf

tf.logging.set_verbosity(tf.logging.INFO)
tf.logging.info("training starts")
print(tf.logging.get_verbosity() == tf.logging.INFO)
out_dir = "scratch/logs"
if tf.gfile.Exists(out_dir):
    tf.gfile.DeleteRecursively(out_dir)
tf.gfile.MakeDirs(out_dir)
with tf.gfile.GFile(out_dir + "/notes.txt", "w") as f:
    f.write("hello\n")
with tf.gfile.Open(out_dir + "/notes.txt") as f:
    print(repr(f.read()))
print(tf.gfile.ListDirectory(out_dir), tf.gfile.IsDirectory(out_dir), tf.gfile.Exists(out_dir + "/x"))
print(sorted(p.split("/")[-1] for p in tf.gfile.Glob(out_dir + "/*.txt")))
try:
    tf.gfile.GFile(out_dir + "/missing.txt").read()
except tf.errors.NotFoundError as e:
    print(type(e).__name__)
