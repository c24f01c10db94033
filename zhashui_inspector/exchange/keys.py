"""The office's key material: a self-made certificate and RSA key, and the issue MAC.

`keys/office.p12` holds the certificate and the private key, protected by the office's
passphrase; `keys/office-cert.pem` holds the certificate alone, so anyone can verify a
signed report without the passphrase.

The MAC secret is derived from the private key with HKDF instead of being a second
random secret in its own file: the office then has exactly one thing to back up and one
passphrase that guards both signing and issuing, and a copy of the office folder
without the passphrase can neither sign reports nor mint work files that would pass as
issued. Replacing the key (a new office) retires every file issued under the old one.
"""

from __future__ import annotations

import datetime
import functools
import getpass
import hashlib
import hmac
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from zhashui_inspector.core.errors import ValidationError, WorkFileError

OFFICE_NAME = "中共柞水县委全面依法治县委员会办公室"
PASSPHRASE_ENV = "ZHASHUI_PASSPHRASE"
MIN_PASSPHRASE = 8
KEY_BITS = 3072
VALID_YEARS = 10
P12_NAME = "office.p12"
CERT_NAME = "office-cert.pem"
_MAC_SALT = b"zhashui-inspector/issue-mac"
_MAC_INFO = b"hmac-sha256 over Identity.mac_message(), v1"


@dataclass(frozen=True)
class OfficeKeys:
    """The unlocked key material of one office."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()  # a CA's intermediates, when the file has them

    @property
    def office_id(self) -> str:
        return office_id_of(self.certificate)

    def mac(self, message: bytes) -> str:
        """HMAC-SHA256 (hex) of an identity's MAC message under the issue secret."""
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def mac_matches(self, message: bytes, mac: str) -> bool:
        return hmac.compare_digest(self.mac(message), mac or "")

    @functools.cached_property
    def _secret(self) -> bytes:
        der = self.private_key.private_bytes(serialization.Encoding.DER,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=_MAC_SALT,
                    info=_MAC_INFO + self.office_id.encode("ascii")).derive(der)


def office_id_of(certificate: x509.Certificate) -> str:
    """The office's id: the start of its certificate's SHA-256 fingerprint."""
    return certificate.fingerprint(hashes.SHA256()).hex()[:32]


def passphrase_from(args_passphrase_file: str | None, *, confirm: bool = False) -> str:
    """The passphrase from a file, else $ZHASHUI_PASSPHRASE, else a prompt on a terminal.

    `confirm` asks twice on a terminal (used when the passphrase is being chosen).
    """
    if args_passphrase_file:
        try:
            text = Path(args_passphrase_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"无法读取口令文件：{Path(args_passphrase_file).name}",
                                  detail=str(exc)) from exc
        phrase = text.rstrip("\r\n")
        if not phrase:
            raise ValidationError("口令文件是空的")
        return phrase
    phrase = os.environ.get(PASSPHRASE_ENV, "")
    if phrase:
        return phrase
    if sys.stdin is not None and sys.stdin.isatty():
        phrase = getpass.getpass("请输入办公室密钥口令：")
        if confirm and getpass.getpass("请再输入一次：") != phrase:
            raise ValidationError("两次输入的口令不一致")
        if not phrase:
            raise ValidationError("没有输入口令")
        return phrase
    raise ValidationError(
        f"需要办公室密钥口令：请用 --passphrase-file 指定口令文件，或设置环境变量 {PASSPHRASE_ENV}")


def create_keys(keys_dir: Path, passphrase: str, office_name: str = OFFICE_NAME) -> OfficeKeys:
    """Make the office's key and self-signed certificate and write both files."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(f"口令至少需要 {MIN_PASSPHRASE} 个字符")
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "陕西省"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "柞水县"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, office_name),
        x509.NameAttribute(NameOID.COMMON_NAME, office_name),
    ])
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now.replace(year=now.year + VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"office", key, cert, None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
    keys_dir.mkdir(parents=True, exist_ok=True)
    _write_new(keys_dir / P12_NAME, p12)
    _write_new(keys_dir / CERT_NAME, cert.public_bytes(serialization.Encoding.PEM))
    return OfficeKeys(key, cert)


# Unlocked keys by (key file, its version, the passphrase's hash). Opening the PKCS#12
# file takes ~0.15 s inside cryptography without releasing the GIL, which froze the
# office window on every import and again when signing; the issue MAC, the import checks
# and the report signature all use this one unlocked copy.
_unlocked: dict[tuple[str, int, int, str], OfficeKeys] = {}


def load_keys(keys_dir: Path, passphrase: str) -> OfficeKeys:
    """Unlock `keys_dir/office.p12`; a wrong passphrase is a one-line Chinese error."""
    return unlock_p12(keys_dir / P12_NAME, passphrase)


def unlock_p12(path: Path, passphrase: str) -> OfficeKeys:
    """Unlock a PKCS#12 key file (the office's, or one a CA issued), once per file
    version and passphrase (keyed by the passphrase's hash, so it is not kept)."""
    try:
        st = path.stat()
        cache_key = (str(path.resolve()), st.st_mtime_ns, st.st_size,
                     hashlib.sha256(passphrase.encode("utf-8")).hexdigest())
        if cache_key in _unlocked:
            return _unlocked[cache_key]
        data = path.read_bytes()
    except OSError as exc:
        raise WorkFileError("找不到办公室密钥文件 keys/office.p12", detail=str(exc)) from exc
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        raise ValidationError("办公室密钥口令不正确", detail=str(exc)) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise WorkFileError("办公室密钥文件内容不完整")
    if len(_unlocked) >= 4:
        _unlocked.clear()
    _unlocked[cache_key] = OfficeKeys(key, cert, tuple(extra))
    return _unlocked[cache_key]


def load_certificate(keys_dir: Path) -> x509.Certificate:
    """The office certificate alone (no passphrase needed)."""
    try:
        return x509.load_pem_x509_certificate((keys_dir / CERT_NAME).read_bytes())
    except (OSError, ValueError) as exc:
        raise WorkFileError("找不到或无法读取办公室证书 keys/office-cert.pem",
                            detail=str(exc)) from exc


def _write_new(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
