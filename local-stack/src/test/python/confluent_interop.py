#!/usr/bin/python3
"""Interop check with a client nobody at Zumik wrote: Confluent's Python client (Debian's
python3-confluent-kafka + python3-avro, legacy confluent_kafka.avro API).

  decode  BOOTSTRAP REGISTRY TOPIC COUNT          -> one JSON line per record read
  produce BOOTSTRAP REGISTRY TOPIC SCHEMA_FILE N  -> writes N RequestShape records through the registry
"""
import datetime
import json
import sys
import time

from confluent_kafka import Consumer
from confluent_kafka.avro import AvroProducer
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
import avro.schema


def decode(bootstrap, registry, topic, count):
    # Keys are plain strings, values Confluent-framed Avro: decode values only, as a Python user would.
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "python-interop-" + topic,
        "auto.offset.reset": "earliest",
    })
    consumer.subscribe([topic])
    seen = 0
    deadline = time.time() + 60
    while seen < count and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            raise SystemExit("consume error: %s" % message.error())
        value = serializer.decode_message(message.value())
        print(json.dumps(value, default=str, sort_keys=True))
        seen += 1
    consumer.close()
    if seen < count:
        raise SystemExit("read %d of %d records" % (seen, count))


def produce(bootstrap, registry, topic, schema_file, count):
    with open(schema_file) as f:
        schema = avro.schema.parse(f.read())
    producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry},
                            default_value_schema=schema)
    for i in range(count):
        producer.produce(topic=topic, value={
            "eventId": "py-%d" % i,
            "tenant": "python",
            "lane": {"provider": "openai", "model": "gpt-4o-mini", "route": "/v1/chat/completions"},
            "arrivalTime": datetime.datetime.fromtimestamp((1700000000000 + i) / 1000.0, tz=datetime.timezone.utc),
            "promptTokens": 130 + i,
            "completionTokens": 7,
            "cachedTokens": 128 if i % 2 == 0 else None,
            "cacheWriteTokens": None,
            "blockSize": 64,
            "tokenizer": "o200k_base",
            "hashedTokens": 130 + i,
            "blockHashes": [-1, 2 ** 62, i],
            "hashKeyId": "k1",
            "ttftMs": 12.5,
            "e2eMs": None,
            "httpStatus": 200,
            "stream": True,
            "maxTokens": None,
            "serviceTier": "default",
            "source": "SDK",
            "parsed": True,
        })
    producer.flush(30)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "decode":
        decode(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif mode == "produce":
        produce(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        raise SystemExit("unknown mode " + mode)
