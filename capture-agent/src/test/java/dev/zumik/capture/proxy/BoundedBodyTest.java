package dev.zumik.capture.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.capture.ByteBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ByteBudget budget = new ByteBudget(100_000, meters, "held");

    @Test
    void shouldCopyABodyOfDeclaredLengthIntoOneArrayHeldAgainstTheBudget() {
        // given
        final BoundedBody body = new BoundedBody(64_000, budget);
        body.expect("5000");

        // when
        final String text = "x".repeat(1_999) + "é" + "y".repeat(2_999);
        chunks(body, text.getBytes(StandardCharsets.UTF_8), 700);
        body.seal();

        // then
        assertThat(new String(body.bytes(), StandardCharsets.UTF_8)).isEqualTo(text);
        assertThat(body.size()).isEqualTo(5_000);
        assertThat(held()).isEqualTo(5_000);
        body.release();
        assertThat(held()).isZero();
    }

    @Test
    void shouldGrowACopyOfUndeclaredLengthAndHoldItsCapacity() {
        // given
        final BoundedBody body = new BoundedBody(64_000, budget);
        body.expect(null);

        // when
        final byte[] sent = new byte[3_000];
        sent[2_999] = 7;
        chunks(body, sent, 1_000);

        // then the copy is the body, and the budget holds what the copy's array takes (doubled from 1,024: 4,096)
        assertThat(body.bytes()).isEqualTo(sent);
        assertThat(held()).isEqualTo(4_096);
        body.release();
        assertThat(held()).isZero();
    }

    @Test
    void shouldKeepABodyThatCameAsOneChunkWithoutCopyingIt() {
        // given a chunk as Vert.x hands one over: its own heap copy of what it read
        final byte[] sent = "{\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8);
        final Buffer chunk = Buffer.buffer(sent);
        final BoundedBody body = new BoundedBody(64_000, budget);
        body.expect(Integer.toString(sent.length));

        // when
        body.add(chunk);
        body.seal();

        // then the body is the chunk's own array, held against the budget for its length
        assertThat(body.bytes()).isSameAs(((BufferInternal) chunk).getByteBuf().array()).isEqualTo(sent);
        assertThat(held()).isEqualTo(sent.length);
        body.release();
        assertThat(held()).isZero();
    }

    @Test
    void shouldCopyAKeptChunkOnceASecondComesAndLeaveTheChunkAsItWas() {
        // given a first chunk kept as it came, of a body declared at 3,000 bytes
        final byte[] first = new byte[1_000];
        first[0] = 1;
        final Buffer firstChunk = Buffer.buffer(first);
        final BoundedBody body = new BoundedBody(64_000, budget);
        body.expect("3000");
        body.add(firstChunk);

        // when two more chunks come
        final byte[] rest = new byte[2_000];
        rest[1_999] = 9;
        chunks(body, rest, 1_000);
        body.seal();

        // then the body is copied once, into an array of the declared length, and the kept chunk is unchanged
        final byte[] whole = body.bytes();
        assertThat(whole).hasSize(3_000).isNotSameAs(((BufferInternal) firstChunk).getByteBuf().array());
        assertThat(whole[0]).isEqualTo((byte) 1);
        assertThat(whole[2_999]).isEqualTo((byte) 9);
        assertThat(firstChunk.getBytes()).isEqualTo(first);
        assertThat(held()).isEqualTo(3_000);
        body.release();
        assertThat(held()).isZero();
    }

    @Test
    void shouldGiveUpPastTheLimitOrTheBudgetAndLetTheCopyGo() {
        // given a declared length past the limit, which is not reserved, and a budget another copy nearly fills
        final BoundedBody tooLarge = new BoundedBody(1_000, budget);
        tooLarge.expect("2000");
        final BoundedBody starved = new BoundedBody(64_000, budget);
        assertThat(budget.tryTake(99_000)).isTrue();

        // when
        chunks(tooLarge, new byte[2_000], 500);
        starved.expect("not a number");
        chunks(starved, new byte[2_000], 500);

        // then
        assertThat(tooLarge.unreadable()).contains(BoundedBody.TOO_LARGE);
        assertThat(starved.unreadable()).contains(BoundedBody.NO_BUDGET);
        assertThat(tooLarge.size()).isEqualTo(2_000);
        assertThat(held()).isEqualTo(99_000);
    }

    private double held() {
        return meters.get("held").gauge().value();
    }

    private static void chunks(final BoundedBody body, final byte[] bytes, final int chunkSize) {
        for (int at = 0; at < bytes.length; at += chunkSize) {
            body.add(Buffer.buffer().appendBytes(bytes, at, Math.min(chunkSize, bytes.length - at)));
        }
    }
}
