package dev.zumik.core.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BlockHasherTest {
    private static final byte[] KEY = "tenant-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_KEY = "other-key-0123456789abcdef!".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldMatchTheDefinitionInDesignMd() throws Exception {
        // given: 3 tokens in blocks of 2 -> one full block and one partial
        final int[] tokens = {1, 2, 70_000};
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        final long h1 = ByteBuffer.wrap(mac.doFinal(ByteBuffer.allocate(16).putLong(0).putInt(1).putInt(2).array())).getLong();
        final long h2 = ByteBuffer.wrap(mac.doFinal(ByteBuffer.allocate(12).putLong(h1).putInt(70_000).array())).getLong();

        // when
        final long[] hashes = new BlockHasher(KEY).hashTokens(tokens, tokens.length, 2);

        // then
        assertThat(hashes).containsExactly(h1, h2);
    }

    @Property
    void shouldGiveEqualHashesExactlyForEqualPrefixBlocks(@ForAll @Size(min = 1, max = 400) final int[] prompt,
                                                          @ForAll @IntRange(min = 1, max = 64) final int blockSize,
                                                          @ForAll @IntRange(min = 0, max = 399) final int changeAt) {
        // given: the same prompt with one token changed
        final int[] changed = prompt.clone();
        final int at = changeAt % prompt.length;
        changed[at] = changed[at] + 1;
        final BlockHasher hasher = new BlockHasher(KEY);

        // when
        final long[] a = hasher.hashTokens(prompt, prompt.length, blockSize);
        final long[] b = hasher.hashTokens(changed, changed.length, blockSize);

        // then: blocks before the change agree, the changed block and every later one differ
        assertThat(a).hasSize(BlockHasher.blockCount(prompt.length, blockSize));
        final int changedBlock = at / blockSize;
        for (int i = 0; i < a.length; i++) {
            if (i < changedBlock) {
                assertThat(a[i]).isEqualTo(b[i]);
            } else {
                assertThat(a[i]).isNotEqualTo(b[i]);
            }
        }
    }

    @Test
    void shouldBeUnlinkableAcrossKeys() {
        // given
        final int[] tokens = new int[640];
        Arrays.setAll(tokens, i -> i * 7);

        // when
        final long[] mine = new BlockHasher(KEY).hashTokens(tokens, tokens.length, 64);
        final long[] theirs = new BlockHasher(OTHER_KEY).hashTokens(tokens, tokens.length, 64);

        // then
        assertThat(Arrays.stream(mine).boxed().toList()).doesNotContainAnyElementsOf(Arrays.stream(theirs).boxed().toList());
    }

    @Test
    void shouldKeepTheReuseStructureOfChainedIds() {
        // given
        final BlockHasher hasher = new BlockHasher(KEY);

        // when
        final long[] a = hasher.hashIds(new long[] {1, 2, 3});
        final long[] b = hasher.hashIds(new long[] {1, 2, 9});
        final long[] c = hasher.hashIds(new long[] {5, 2, 3});

        // then
        assertThat(a[0]).isEqualTo(b[0]);
        assertThat(a[1]).isEqualTo(b[1]);
        assertThat(a[2]).isNotEqualTo(b[2]);
        assertThat(c[1]).isNotEqualTo(a[1]);
    }

    @Test
    void shouldHashNothingForAnEmptyPrompt() {
        assertThat(new BlockHasher(KEY).hashTokens(new int[0], 0, 64)).isEmpty();
    }
}
