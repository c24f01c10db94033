"""Signing the office's PDF (PAdES baseline B-B with pyHanko, offline) and verifying it.

A report is signed once, as a certification signature that allows no later changes, in
an incremental update of the rendered file. Verification trusts only the certificates it
is given (the office certificate, or a CA's root) and accepts a file only when the
signature is intact, cryptographically valid, trusted, and covers every byte of it.
"""

from __future__ import annotations

import binascii
import datetime
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.reports.output import writing
from zhashui_inspector.reports.stamp import STAMP_SIZE, ChineseStampStyle

log = logging.getLogger(__name__)

FIELD_NAME = "OfficeSignature"
BYTES_RESERVED = 12 * 1024  # CMS size is known in advance: no dry-run signing pass
# (page index, (x1, y1, x2, y2) in points); page -1 is the last page
Box = tuple[int, tuple[float, float, float, float]]


@dataclass(frozen=True)
class VerifyResult:
    """What `verify` reports about a signed PDF."""

    signed: bool
    signer: str = ""
    signing_time: datetime.datetime | None = None
    intact: bool = False           # the signed bytes hash to what the signature says
    valid: bool = False            # the signature value checks out with the certificate
    whole_document: bool = False   # the signature covers every byte of the file
    trusted: bool = False          # the certificate chains to one of the trusted certs
    problem: str = ""              # why it failed, in Chinese
    trust_given: bool = True       # a certificate to trust was given (--trust, --office)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.whole_document \
            and self.trusted and not self.problem

    def lines(self) -> list[str]:
        """The finding as the command line prints it and the office window shows it."""
        if not self.signed:
            return [f"未通过：{self.problem}"]

        def yes(flag: bool) -> str:
            return "是" if flag else "否"

        when = self.signing_time.astimezone().strftime("%Y-%m-%d %H:%M:%S %z") \
            if self.signing_time else "—"
        unchanged = self.intact and self.valid and self.whole_document
        if not self.trust_given:
            trust = "未核对（未指定信任的证书）"
        elif not (self.intact and self.valid):
            trust = "未核对（签名已不完整）"
        else:
            trust = yes(self.trusted)
        if self.ok:
            verdict = "结论：有效。文件自签名以来未被改动，签名人为所信任的证书持有人。"
        elif unchanged and not self.trust_given:
            verdict = ("结论：签名完好，文件自签名以来未被改动；但未核对签发机关的证书，"
                       "不能确认签名人（请用 --office 或 --trust 指定县委依法治县办的证书）。")
        else:
            verdict = f"结论：无效。{self.problem}"
        return [
            f"签名人：{self.signer or '—'}",
            f"签名时间：{when}",
            f"签名完整（签名后未改动）：{yes(self.intact and self.valid)}",
            f"覆盖整个文件：{yes(self.whole_document)}",
            f"签名证书受信任：{trust}",
            verdict,
        ]


# pyHanko signers by the unlocked key they were made from (kept alive with it).
_signers: dict[int, tuple[object, object]] = {}


def load_signer(p12: Path, passphrase: str):  # type: ignore[no-untyped-def]
    """The signer for a PKCS#12 key file, built from the key the office already unlocked.

    The file is opened once (exchange.keys caches the unlocked key for the issue MAC and
    the import checks); opening it again through pyHanko froze the office window for
    ~0.15 s on the first report of a session.
    """
    from zhashui_inspector.exchange.keys import unlock_p12

    keys = unlock_p12(Path(p12), passphrase)
    kept = _signers.get(id(keys))
    if kept is not None and kept[0] is keys:
        return kept[1]
    signer = _kept_key_signer(keys.private_key, keys.certificate, keys.chain)
    if len(_signers) >= 4:
        _signers.clear()
    _signers[id(keys)] = (keys, signer)
    return signer


def _kept_key_signer(private_key, certificate, chain):  # type: ignore[no-untyped-def]
    """A pyHanko signer that holds the private key as a ready key object.

    pyHanko's SimpleSigner re-imports its key from DER for every signature, and the
    import checks the RSA key's primes: about 0.35 s for a 3072-bit key, most of the time
    a signature takes. The key was checked once when the PKCS#12 file was opened.
    """
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism.signature_algo == "rsassa_pkcs1v15":
                return private_key.sign(data, PKCS1v15(),
                                        get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    registry = SimpleCertificateStore()
    registry.register_multiple(translate_pyca_cryptography_cert_to_asn1(c) for c in chain)
    return KeptKeySigner(signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
                         signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
                         cert_registry=registry)


def _page_count(data: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(data), strict=False).root["/Pages"]["/Count"])


def default_box(page_size: tuple[float, float] = (595.28, 841.89)) -> Box:
    """Bottom right of the last page, above the footer."""
    width, _height = page_size
    w, h = STAMP_SIZE
    x2 = width - 56.7
    return -1, (x2 - w, 62.0, x2, 62.0 + h)


def sign_pdf(src: Path, dst: Path, p12: Path, passphrase: str, *, signer_name: str,
             seal: Path | None = None, box: Box | None = None) -> None:
    """Sign `src` into `dst` with the PKCS#12 key: PAdES B-B, visible stamp, no changes
    allowed afterwards. `box` places the stamp (default: bottom right of the last page)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    signer = load_signer(Path(p12), passphrase)
    src_bytes = Path(src).read_bytes()
    page, rect = box or default_box()
    if page < 0:
        page += _page_count(src_bytes)
    seal_png = Path(seal).read_bytes() if seal is not None else None
    writer = IncrementalPdfFileWriter(io.BytesIO(src_bytes), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, name=signer_name, location="陕西省柞水县",
        reason="县委依法治县办发布复查验收评估结果", subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256", certify=True, docmdp_permissions=MDPPerm.NO_CHANGES)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer,
        stamp_style=ChineseStampStyle(office=signer_name, seal_png=seal_png),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=_int_box(rect)))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED, output=out)
    with writing(Path(dst)) as tmp:
        tmp.write_bytes(out.getvalue())


def _int_box(rect: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (int(round(v)) for v in rect)
    return x1, y1, x2, y2


def load_trust(paths: list[Path]):  # type: ignore[no-untyped-def]
    from pyhanko.keys import load_cert_from_pemder

    certs = []
    for path in paths:
        try:
            certs.append(load_cert_from_pemder(str(path)))
        except (OSError, ValueError) as exc:
            raise ValidationError(f"无法读取证书文件：{Path(path).name}", detail=str(exc)) from exc
    return certs


def _contents_canonical(data: bytes, sig) -> bool:  # type: ignore[no-untyped-def]
    """The signature's /Contents must be exactly as written: the upper-case hex of a
    DER-encoded CMS object followed only by zero padding. pyHanko tolerates other
    spellings of the same signature (another letter case, a longer length field that
    swallows padding), which would let one byte of the file change unnoticed."""
    from asn1crypto import cms

    _, len1, start2, _ = sig.byte_range
    content: bytes = sig.pkcs7_content
    if data[len1:start2] != b"<" + binascii.hexlify(content).upper() + b">":
        return False
    der_len = _der_length(content)
    if der_len is None or der_len > len(content) or content[der_len:].strip(b"\x00"):
        return False
    try:
        return bool(cms.ContentInfo.load(content[:der_len]).dump(force=True)
                    == content[:der_len])
    except (ValueError, TypeError):
        return False


def _der_length(blob: bytes) -> int | None:
    """Total length of the DER element at the start of `blob`."""
    if len(blob) < 2 or blob[0] != 0x30:
        return None
    first = blob[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(blob) < 2 + count:
        return None
    return 2 + count + int.from_bytes(blob[2:2 + count], "big")


OFFICE_CERT = Path("keys") / "office-cert.pem"


def office_trust(office_dir: Path) -> Path:
    """The office's own certificate, which its reports must be signed with."""
    cert = Path(office_dir) / OFFICE_CERT
    if not cert.is_file():
        raise ValidationError(f"办公文件夹中没有证书 keys/office-cert.pem：{office_dir}")
    return cert


def verify_office_pdf(path: Path, office_dir: Path) -> VerifyResult:
    """`verify_pdf` trusting the office's certificate (what the office window asks, in a
    process of its own: pyHanko logs a traceback for a certificate it does not trust)."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return verify_pdf(path, [office_trust(office_dir)])


def verify_pdf(path: Path, trust: list[Path]) -> VerifyResult:
    """Check every signature of `path`; report on the last one (the office's)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取文件：{Path(path).name}", detail=str(exc)) from exc
    roots = load_trust(trust)
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged file is a failed verification, not a crash
        log.info("unreadable PDF: %s", exc)
        return VerifyResult(signed=False, problem="文件已损坏或不是 PDF")
    if not signatures:
        return VerifyResult(signed=False, problem="文件中没有数字签名")
    result = VerifyResult(signed=False)
    for sig in signatures:
        try:
            status = validate_pdf_signature(sig, context)
        except (SignatureValidationError, PdfError, Exception) as exc:  # damaged = failed
            log.info("validation error: %s", exc)
            return VerifyResult(signed=True, problem="签名数据无法解析（文件可能已被修改）")
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        problem = ""
        if not _contents_canonical(data, sig):
            problem = "签名值所在区域被改动"
        elif not status.intact:
            problem = "签名后文件内容被修改"
        elif not status.valid:
            problem = "签名值无效"
        elif not whole:
            problem = "签名没有覆盖整个文件（签名后又追加了修改）"
        elif not status.trusted:
            problem = "签名证书不是所信任的证书" if roots else "未指定信任的证书（--trust 或 --office）"
        cert = status.signing_cert
        result = VerifyResult(
            signed=True,
            signer=_common_name(cert),
            signing_time=status.signer_reported_dt,
            intact=bool(status.intact),
            valid=bool(status.valid),
            whole_document=whole,
            trusted=bool(status.trusted),
            problem=problem,
            trust_given=bool(roots),
        )
        if problem:
            return result
    return result


def _common_name(cert) -> str:  # type: ignore[no-untyped-def]
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except (AttributeError, ValueError):
        return ""
