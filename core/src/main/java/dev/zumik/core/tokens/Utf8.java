package dev.zumik.core.tokens;

/** UTF-8 of part of a string into a caller's buffer, as {@code String.getBytes(UTF_8)} gives it: a lone surrogate becomes '?'. */
final class Utf8 {
    private Utf8() { }

    /** Writes {@code s[from, to)} to {@code out} (at least 3 bytes per char) and returns the byte count. */
    static int encode(final String s, final int from, final int to, final byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | c >> 6);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                final int cp = Character.toCodePoint(c, s.charAt(++i));
                out[n++] = (byte) (0xF0 | cp >> 18);
                out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                out[n++] = '?';
            } else {
                out[n++] = (byte) (0xE0 | c >> 12);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return n;
    }
}
