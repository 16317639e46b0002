package dev.zumik.bench;

import dev.zumik.localstack.LocalStack;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.serde.AvroTrust;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Zumik's Confluent-wire-format serde against plain Avro binary encoding of the same records (the
 * baseline): the difference is the framing, the schema-id cache and the reader/writer lookup.
 * The registry is the real embedded one; after the first record every schema id comes from cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark {
    private static final String TOPIC = "bench-shapes";
    private static final int RECORDS = 1024;

    private LocalStack stack;
    private List<RequestShape> shapes;
    private byte[][] framed;
    private byte[][] plain;
    private ConfluentAvroSerializer<RequestShape> serializer;
    private ConfluentAvroDeserializer<RequestShape> deserializer;
    private SpecificDatumWriter<RequestShape> writer;
    private SpecificDatumReader<RequestShape> reader;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        AvroTrust.ensureInstalled();
        writer = new SpecificDatumWriter<>(RequestShape.class);
        reader = new SpecificDatumReader<>(RequestShape.class);
        stack = LocalStack.startEphemeral();
        shapes = BenchShapes.generate(RECORDS, 42);
        serializer = new ConfluentAvroSerializer<>(stack.registryClient(), false);
        deserializer = new ConfluentAvroDeserializer<>(stack.registryClient(), RequestShape.class);
        framed = new byte[RECORDS][];
        plain = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++) {
            framed[i] = serializer.serialize(TOPIC, shapes.get(i));
            plain[i] = plainEncode(shapes.get(i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stack.close();
    }

    private byte[] plainEncode(final RequestShape shape) throws IOException {
        buffer.reset();
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        writer.write(shape, encoder);
        encoder.flush();
        return buffer.toByteArray();
    }

    private int nextIndex() {
        next = (next + 1) & (RECORDS - 1);
        return next;
    }

    @Benchmark
    public byte[] baselinePlainAvroEncode() throws IOException {
        return plainEncode(shapes.get(nextIndex()));
    }

    @Benchmark
    public byte[] zumikSerialize() {
        return serializer.serialize(TOPIC, shapes.get(nextIndex()));
    }

    @Benchmark
    public RequestShape baselinePlainAvroDecode() throws IOException {
        final byte[] bytes = plain[nextIndex()];
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        return reader.read(null, decoder);
    }

    @Benchmark
    public RequestShape zumikDeserialize() {
        return deserializer.deserialize(TOPIC, framed[nextIndex()]);
    }
}
