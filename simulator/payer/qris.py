"""QRIS payloads for payer pages and create answers: an EMVCo merchant-presented QR (the
QRIS layout Indonesian wallets scan), ending in its CRC-16. Midtrans (GoPay, QRIS), DOKU
and Pivot QRIS all show one; a test recomputes the CRC independently."""

from __future__ import annotations


def payload(merchant_name: str, amount, reference: str) -> str:
    """An EMVCo merchant-presented QR payload (QRIS layout), ending in its CRC-16."""
    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"
    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("01", "936009140000000000") + tlv("03", "UMI")
    payload = (tlv("00", "01") + tlv("01", "12") + tlv("26", account) + tlv("52", "5999")
               + tlv("53", "360") + tlv("54", str(int(amount))) + tlv("58", "ID")
               + tlv("59", (merchant_name or "MERCHANT")[:25].upper()) + tlv("60", "JAKARTA")
               + tlv("62", tlv("01", reference.replace("-", "")[:25])) + "6304")
    return payload + f"{crc16(payload.encode()):04X}"


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, as EMVCo specifies for tag 63."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc
