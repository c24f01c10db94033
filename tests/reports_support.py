"""Helpers for the report and signing tests: text and outline of a PDF, a test PKCS#12."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def pdf_text(path: Path, *, raw: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Text without any whitespace (line wrapping breaks lines anywhere in CJK text)."""
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout
    match = re.search(rb"Pages:\s+(\d+)", out)
    assert match, out
    return int(match.group(1))


def footers(path: Path) -> list[tuple[int, int]]:
    """Each page's "第 X 页 共 Y 页" as (X, Y), in page order."""
    pages = pdf_text(path).split("\f")[:page_count(path)]
    found = [re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page) for page in pages]
    assert all(len(f) == 1 for f in found), found
    return [(int(f[0][0]), int(f[0][1])) for f in found]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """The PDF outline as (level, title, 0-based page index), in document order."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = Path(path).read_bytes()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    pages = [ref.get_object() for ref in _page_refs(reader)]
    page_ids = {id(p): i for i, p in enumerate(pages)}
    by_idnum = {ref.idnum: i for i, ref in enumerate(_page_refs(reader))}
    entries: list[tuple[int, str, int]] = []

    def walk(node: object, level: int) -> None:
        while node is not None:
            obj = node.get_object()  # type: ignore[attr-defined]
            dest = obj.get("/Dest")
            if dest is None and "/A" in obj:
                dest = obj["/A"].get("/D")
            page = -1
            if dest is not None:
                target = dest[0] if not isinstance(dest, str) else None
                if target is not None:
                    page = by_idnum.get(getattr(target, "idnum", -1),
                                        page_ids.get(id(target), -1))
            entries.append((level, str(obj["/Title"]), page))
            if "/First" in obj:
                walk(obj.raw_get("/First"), level + 1)
            node = obj.raw_get("/Next") if "/Next" in obj else None

    root = reader.root
    if "/Outlines" in root and "/First" in root["/Outlines"]:
        walk(root["/Outlines"].raw_get("/First"), 0)
    return entries


def _page_refs(reader):  # type: ignore[no-untyped-def]
    refs = []

    def collect(node_ref):  # type: ignore[no-untyped-def]
        node = node_ref.get_object()
        if node["/Type"] == "/Pages":
            for i in range(len(node["/Kids"])):
                collect(node["/Kids"].raw_get(i))
        else:
            refs.append(node_ref)

    collect(reader.root.raw_get("/Pages"))
    return refs


def make_p12(folder: Path, name: str, passphrase: str = "test-passphrase") -> tuple[Path, Path]:
    """A self-signed signing certificate and its key: (PKCS#12 file, PEM certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    p12 = folder / "office.p12"
    pem = folder / "office-cert.pem"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"office", key, cert, None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))))
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, pem


def make_ca_chain(folder: Path, name: str, passphrase: str) -> tuple[Path, Path]:
    """A root CA and an office certificate it issued: (office PKCS#12 with the chain,
    root certificate PEM) — the shape of a certificate bought from a real CA."""
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试根证书颁发机构")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(root_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    p12 = folder / "office.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"office", key, cert, [root],
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))))
    root_pem = folder / "root-ca.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return p12, root_pem
