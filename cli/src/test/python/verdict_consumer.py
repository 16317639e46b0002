#!/usr/bin/python3
"""A downstream consumer of Zumik verdicts (docs/CONSUMERS.md), with Debian's python3-confluent-kafka,
python3-avro and python3-cryptography: reads zumik.verdicts.v1 and checks each verdict's Ed25519
signature over the DSSE pre-authentication encoding.

  verdict_consumer.py BOOTSTRAP REGISTRY_URL SIGNING_PUB [TOPIC] [SECONDS]
"""
import base64
import json
import sys
import time

from confluent_kafka import Consumer
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key


def verifies(envelope_json, key):
    envelope = json.loads(envelope_json)
    payload_type = envelope["payloadType"]
    if payload_type != "application/vnd.in-toto+json":
        return False
    payload = base64.b64decode(envelope["payload"], validate=True)
    pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type.encode(), len(payload), payload)
    try:
        key.verify(base64.b64decode(envelope["signatures"][0]["sig"], validate=True), pae)
        return True
    except InvalidSignature:
        return False


def main(bootstrap, registry, public_key, topic="zumik.verdicts.v1", seconds="3600"):
    with open(public_key, "rb") as f:
        key = load_pem_public_key(f.read())
    values = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "verdict-reader-py",
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",  # verdicts are published in transactions
    })
    consumer.subscribe([topic])
    end = time.time() + float(seconds)
    while time.time() < end:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            raise SystemExit("consume error: %s" % message.error())
        verdict = values.decode_message(message.value())
        ok = verifies(verdict["dsseEnvelope"], key)
        print("%s %s %s %s gain=%s" % ("OK" if ok else "BAD", verdict["requestId"], verdict["decision"],
                                        ",".join(verdict["reasons"]), verdict["costGainPct"]), flush=True)
    consumer.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
