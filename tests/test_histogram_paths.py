"""The fast histogram paths agree with the plain definitions: bucket indices with a binary search over TF's
bucket limits, the small-array Python path with the NumPy path."""
import numpy as np

from tfsess.summary import summary_ops as so


def test_bucket_index_is_the_binary_search():
    so.histogram_proto(np.zeros(1))
    lim = so._LIMITS
    rs = np.random.RandomState(0)
    inner = lim[1:-1]
    for v in [rs.randn(5000), rs.randn(5000) * 1e-11, rs.randn(2000) * 1e25, inner, -inner,
              np.nextafter(inner, np.inf), np.nextafter(inner, -np.inf),
              np.array([0.0, -0.0, 1e-300, -1e-300, 5e-324, 1.7e308, -1.7e308])]:
        np.testing.assert_array_equal(so._bucket_index(v), np.searchsorted(lim, v, side="right"))


def test_small_and_large_paths_agree():
    rs = np.random.RandomState(1)
    for v in [np.array([]), np.zeros(3), rs.randn(200), rs.randn(256) * 1e5, np.array([1e-13, -1e-13, 0.0, 5e30])]:
        small = so.histogram_proto(v)
        saved, so._SMALL = so._SMALL, -1
        try:
            large = so.histogram_proto(v)
        finally:
            so._SMALL = saved
        for k in small:
            if k in ("sum", "sum_squares"):
                np.testing.assert_allclose(small[k], large[k], rtol=1e-12)
            else:
                assert small[k] == large[k], k
