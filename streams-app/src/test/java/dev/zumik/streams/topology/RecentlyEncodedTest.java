package dev.zumik.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentlyEncodedTest {

    @Test
    void shouldHandOutTheObjectOfEqualBytesOnceAndNeverAfterItWasEncodedAgain() {
        // given an object encoded twice with the same bytes, as a store and a buffer downstream may both do
        final RecentlyEncoded<StringBuilder> recent = new RecentlyEncoded<>();
        final StringBuilder value = new StringBuilder("a");
        recent.remember(new byte[] {1, 2}, value);
        recent.remember(new byte[] {1, 2}, value);

        // when its bytes come back, as a copy
        final StringBuilder taken = recent.take(new byte[] {1, 2});

        // then it is handed out once; changed by its taker, the old bytes no longer name it
        assertThat(taken).isSameAs(value);
        taken.append("b");
        assertThat(recent.take(new byte[] {1, 2})).isNull();
        assertThat(recent.take(new byte[] {1, 3})).isNull();
    }

    @Test
    void shouldForgetTheOldestBeyondItsSlots() {
        // given
        final RecentlyEncoded<Integer> recent = new RecentlyEncoded<>();
        for (int i = 0; i < 17; i++) {
            recent.remember(new byte[] {(byte) i}, i);
        }

        // then the first is gone, the last is there
        assertThat(recent.take(new byte[] {0})).isNull();
        assertThat(recent.take(new byte[] {16})).isEqualTo(16);
    }
}
