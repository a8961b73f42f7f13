package dev.tresor.mime;

import java.util.Arrays;

/** What a base64 decoder made of a text: its bytes, or a refusal (the text is corrupt). */
final class Decoded {
    private final byte[] bytes;

    private Decoded(byte[] bytes) {
        this.bytes = bytes;
    }

    static Decoded of(byte[] bytes) {
        return new Decoded(bytes.clone());
    }

    static Decoded refused() {
        return new Decoded(null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Decoded && Arrays.equals(bytes, ((Decoded) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes == null ? "refused" : bytes.length + " bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 24)));
    }
}
