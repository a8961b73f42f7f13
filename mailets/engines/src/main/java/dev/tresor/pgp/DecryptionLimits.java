package dev.tresor.pgp;

/**
 * How large decrypted content may become: at most {@code maxRatio} times the encrypted data (compression cannot do
 * much better on real mail; a decompression bomb does thousands of times better) and never more than {@code maxBytes}.
 * Content up to {@code floorBytes} is always allowed, so that a small, well-compressed text is not refused.
 */
public final class DecryptionLimits {
    public static final DecryptionLimits DEFAULT = new DecryptionLimits(100L * 1024 * 1024, 100, 1024 * 1024);

    private final long maxBytes;
    private final int maxRatio;
    private final long floorBytes;

    public DecryptionLimits(long maxBytes, int maxRatio, long floorBytes) {
        if (maxBytes <= 0 || maxRatio <= 0 || floorBytes < 0) {
            throw new IllegalArgumentException("Decryption limits must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxRatio = maxRatio;
        this.floorBytes = floorBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int maxRatio() {
        return maxRatio;
    }

    long capFor(long inputSize) {
        long byRatio = inputSize > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : inputSize * maxRatio;
        return Math.min(maxBytes, Math.max(floorBytes, byRatio));
    }

    @Override
    public String toString() {
        return maxRatio + " times the encrypted size, at most " + maxBytes + " bytes";
    }
}
