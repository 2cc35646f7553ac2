"""Captioned digits: an offline stand-in for CUB-200's captions and char-CNN-RNN embeddings (smoke/cpu).

No caption set exists offline, so each mnist5k digit (the embedded set the other cpu tables use, same
split) gets captions built from its class and two measured attributes:

- stroke width  w = ink mass / skeleton length, with ink = (x + 1) / 2 ∈ [0, 1], the skeleton the
  Zhang–Suen thinning of ink > 0.5; binned "thin" / "regular" / "thick";
- slant  s = −μ₁₁ / μ₀₂, the horizontal shear of the ink's second central moments (x = column,
  y = row, rows growing downwards, so s > 0 when the top leans right); binned "left-slanted" /
  "upright" / "right-slanted".

The bin edges are the training split's tertiles (so the words are relative to this data set). Each
image gets `captions_per_image` captions from fixed templates, chosen by a seeded generator, and
`parse_caption` maps every caption back to (class, width bin, slant bin).

The text encoder (`TextEncoder`) stands in for StackGAN++'s pre-trained char-CNN-RNN: a mean of word
embeddings and an MLP, trained briefly (seeded, on the training captions) to predict the three
attributes; its hidden layer is the fixed sentence embedding the GAN is conditioned on.
"""

from __future__ import annotations

import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from replication.data.images import load_mnist5k
from replication.data.text import TextData

CLASS_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
WIDTH_WORDS = ("thin", "regular", "thick")
SLANT_WORDS = ("left-slanted", "upright", "right-slanted")
TEMPLATES = (
    "a {width} {slant} {digit}",
    "the digit {digit}, {width} and {slant}",
    "the {slant} {digit}, written with a {width} stroke",
    "handwritten {digit} in {width} ink, {slant}",
    "this {digit} is {width} and {slant}",
)
CAPTION_SEED = 0


def zhang_suen_thinning(binary: np.ndarray) -> np.ndarray:
    """The Zhang–Suen skeleton of every image of a boolean batch [N, H, W] (vectorised over N)."""
    image = np.pad(binary.astype(bool), ((0, 0), (1, 1), (1, 1)))
    while True:
        changed = False
        for step in (0, 1):
            p = image
            # neighbours P2..P9 clockwise from north
            n = [
                p[:, :-2, 1:-1],
                p[:, :-2, 2:],
                p[:, 1:-1, 2:],
                p[:, 2:, 2:],
                p[:, 2:, 1:-1],
                p[:, 2:, :-2],
                p[:, 1:-1, :-2],
                p[:, :-2, :-2],
            ]
            count = sum(x.astype(np.int8) for x in n)
            transitions = sum((~n[k] & n[(k + 1) % 8]).astype(np.int8) for k in range(8))
            if step == 0:
                c1, c2 = n[0] & n[2] & n[4], n[2] & n[4] & n[6]
            else:
                c1, c2 = n[0] & n[2] & n[6], n[0] & n[4] & n[6]
            remove = p[:, 1:-1, 1:-1] & (count >= 2) & (count <= 6) & (transitions == 1) & ~c1 & ~c2
            if remove.any():
                image = image.copy()
                image[:, 1:-1, 1:-1] &= ~remove
                changed = True
        if not changed:
            return image[:, 1:-1, 1:-1]


def stroke_width(images: torch.Tensor) -> np.ndarray:
    """Ink mass / skeleton length of each image ([N, 1, H, W] in [-1, 1]): the mean stroke width in pixels."""
    ink = ((images[:, 0].cpu().double() + 1) / 2).clamp(0, 1).numpy()
    skeleton = zhang_suen_thinning(ink > 0.5).sum(axis=(1, 2))
    return ink.sum(axis=(1, 2)) / np.maximum(skeleton, 1)


def slant(images: torch.Tensor) -> np.ndarray:
    """−μ₁₁/μ₀₂ of the ink (x = column, y = row downwards): > 0 when the top leans right."""
    ink = ((images[:, 0].cpu().double() + 1) / 2).clamp(0, 1).numpy()
    h, w = ink.shape[1:]
    ys, xs = np.mgrid[0:h, 0:w]
    mass = ink.sum(axis=(1, 2)) + 1e-12
    mx = (ink * xs).sum(axis=(1, 2)) / mass
    my = (ink * ys).sum(axis=(1, 2)) / mass
    dx, dy = xs[None] - mx[:, None, None], ys[None] - my[:, None, None]
    mu11 = (ink * dx * dy).sum(axis=(1, 2)) / mass
    mu02 = (ink * dy * dy).sum(axis=(1, 2)) / mass
    return -mu11 / np.maximum(mu02, 1e-12)


def tertile_edges(values: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(values, [1 / 3, 2 / 3])
    return float(low), float(high)


def to_bins(values: np.ndarray, edges: tuple[float, float]) -> np.ndarray:
    """0, 1, 2 for values below, between and above the two edges."""
    return np.digitize(values, edges).astype(np.int64)


def caption(digit: int, width_bin: int, slant_bin: int, template: int) -> str:
    return TEMPLATES[template].format(
        digit=CLASS_WORDS[digit], width=WIDTH_WORDS[width_bin], slant=SLANT_WORDS[slant_bin]
    )


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())


def parse_caption(text: str) -> tuple[int, int, int]:
    """(class, width bin, slant bin) named in a caption; ValueError if any is missing or ambiguous."""
    words = tokens(text)
    found = []
    for vocabulary, what in ((CLASS_WORDS, "digit"), (WIDTH_WORDS, "width"), (SLANT_WORDS, "slant")):
        hits = {vocabulary.index(w) for w in words if w in vocabulary}
        if len(hits) != 1:
            raise ValueError(f"caption {text!r} names {len(hits)} {what} words (needs exactly one)")
        found.append(hits.pop())
    return found[0], found[1], found[2]


def build_captions(attributes: np.ndarray, per_image: int, seed: int) -> list[list[str]]:
    """`per_image` captions for each row (class, width bin, slant bin), templates drawn without
    replacement by a generator seeded with `seed` (deterministic)."""
    rng = np.random.default_rng(seed)
    return [
        [caption(int(c), int(w), int(s), int(t)) for t in rng.choice(len(TEMPLATES), per_image, replace=False)]
        for c, w, s in attributes
    ]


VOCABULARY = sorted(
    {w for t in TEMPLATES for w in tokens(t.format(digit="", width="", slant=""))}
    | set(CLASS_WORDS + WIDTH_WORDS + SLANT_WORDS)
)


def encode_words(captions: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """EmbeddingBag input: flat word indices and the offset of each caption."""
    index = {w: i for i, w in enumerate(VOCABULARY)}
    ids, offsets = [], []
    for text in captions:
        offsets.append(len(ids))
        ids.extend(index[w] for w in tokens(text))
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


class TextEncoder(nn.Module):
    """Bag of words → sentence embedding e = tanh(W₂ relu(W₁ mean(word vectors))), with three
    heads (class, width, slant) used only to train it."""

    def __init__(self, embedding_dim: int = 32, word_dim: int = 32, hidden: int = 64):
        super().__init__()
        self.words = nn.EmbeddingBag(len(VOCABULARY), word_dim, mode="mean")
        self.body = nn.Sequential(nn.Linear(word_dim, hidden), nn.ReLU(), nn.Linear(hidden, embedding_dim), nn.Tanh())
        self.heads = nn.ModuleList([nn.Linear(embedding_dim, k) for k in (10, 3, 3)])

    def forward(self, captions: list[str]) -> torch.Tensor:
        ids, offsets = encode_words(captions)
        return self.body(self.words(ids, offsets))


def train_text_encoder(
    captions: list[str], targets: np.ndarray, embedding_dim: int, steps: int = 300, seed: int = 0
) -> TextEncoder:
    """Cross-entropy on (class, width, slant) from each caption; CPU, seeded, so always the same weights."""
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        encoder = TextEncoder(embedding_dim)
    optimizer = torch.optim.Adam(encoder.parameters(), lr=3e-3)
    y = torch.from_numpy(targets)
    for _ in range(steps):
        pick = torch.randint(0, len(captions), (128,), generator=generator)
        e = encoder([captions[i] for i in pick.tolist()])
        loss = sum(F.cross_entropy(head(e), y[pick, k]) for k, head in enumerate(encoder.heads))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return encoder.eval()


TEXT_NAMES = ("digits-captions", "cub200")
# data_scripts/download.py's names for them: the offline stand-in, and StackGAN's embeddings that join cub200's images
DOWNLOAD_NAMES = ("digits-captions", "cub200-text")


@torch.no_grad()
def _embed(encoder: TextEncoder, captions: list[list[str]]) -> torch.Tensor:
    k = len(captions[0])
    flat = [c for row in captions for c in row]
    return torch.cat([encoder(flat[i : i + 2000]) for i in range(0, len(flat), 2000)]).view(len(captions), k, -1)


def load_digit_captions(per_image: int = 4, embedding_dim: int = 32, encoder_steps: int = 300) -> TextData:
    """mnist5k with captions from class, stroke width and slant (bins from the training split), embedded
    by a `TextEncoder` trained on the training captions."""
    images = load_mnist5k()
    widths = [stroke_width(x) for x in (images.train_x, images.test_x)]
    slants = [slant(x) for x in (images.train_x, images.test_x)]
    w_edges, s_edges = tertile_edges(widths[0]), tertile_edges(slants[0])
    attributes = [
        np.stack([y.numpy(), to_bins(w, w_edges), to_bins(s, s_edges)], 1)
        for y, w, s in zip((images.train_y, images.test_y), widths, slants, strict=True)
    ]
    captions = [build_captions(a, per_image, CAPTION_SEED + k) for k, a in enumerate(attributes)]
    flat = [c for row in captions[0] for c in row]
    encoder = train_text_encoder(flat, np.repeat(attributes[0], per_image, axis=0), embedding_dim, encoder_steps)
    return TextData(
        "digits-captions",
        images,
        _embed(encoder, captions[0]),
        _embed(encoder, captions[1]),
        captions[0],
        captions[1],
        attributes[0],
        attributes[1],
        encoder=f"bag-of-words MLP ({embedding_dim}-d, {encoder_steps} steps on the training captions; "
        "stand-in for char-CNN-RNN)",
    )


def load_text(name: str, image_size: int | None = None) -> TextData:
    """`digits-captions` (offline) or `cub200` (CUB images + StackGAN++'s char-CNN-RNN embeddings)."""
    if name == "digits-captions":
        if image_size not in (None, 32):
            raise ValueError(f"digits-captions is 32×32 (mnist5k); got image_size={image_size}")
        return load_digit_captions()
    if name == "cub200":
        from replication.data.cub_text import load_cub_text

        return load_cub_text(image_size or 256)
    raise ValueError(f"Unknown text-conditioned data set {name!r}. Valid names: {', '.join(TEXT_NAMES)}.")
