"""Names as given to --wrt, --let and where=: the name the text reads, however it is spelled there
(\\Sigma, Σ and Sigma; \\tilde{w} and w_tilde; W^{(1)} and W_1; w^* and w_star; C^u and C_u)."""
import re

from ..errors import ParseError
from .latex import translate


def read_name(name):
    """A name as given in --wrt, --let or where=: plain_name (\\Sigma → Sigma), then, when that is not a
    name, the name its LaTeX spelling reads as (\\tilde{w} → w_tilde, W^{(1)} → W_1, w^* → w_star)."""
    from ..vocabulary import NAME, plain_name
    name = plain_name(name)
    if isinstance(name, str) and not NAME.match(name) and re.search(r"[\\^{*]", name):
        return name_as_read(name)
    return name


def name_as_read(name):
    """The name a LaTeX spelling of one name reads as (\\tilde{w} → w_tilde, W^{(1)} → W_1, w^* → w_star,
    \\mathbf{w} → w), for --wrt, --let and where=; the name itself when it is not one name."""
    from ..vocabulary import NAME
    m = re.fullmatch(r"([A-Za-z])\^\{?([a-z])\}?", name)
    if m is not None:
        return f"{m.group(1)}_{m.group(2)}"        # C^u: the name C_u, as the text's C^u reads (build.indexed_name)
    try:
        plain = re.sub(r"\s+", "", translate(name).text)
    except ParseError:
        return name
    return plain if NAME.match(plain) else name
