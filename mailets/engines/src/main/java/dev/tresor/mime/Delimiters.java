package dev.tresor.mime;

/**
 * Finds boundary delimiter lines (RFC 2046, 5.1.1) in a raw multipart body, CRLF or bare LF, so that a signed part can
 * be taken as the exact bytes between two delimiters (the CRLF before a delimiter belongs to the delimiter).
 */
public final class Delimiters {
    private final byte[] bytes;
    private final int start;
    private final int size;
    private final byte[] delimiter;

    public Delimiters(byte[] bytes, int size, byte[] delimiter) {
        this(bytes, 0, size, delimiter);
    }

    /** Delimiters in {@code bytes[start..end)}; positions are indexes into {@code bytes}. */
    public Delimiters(byte[] bytes, int start, int end, byte[] delimiter) {
        this.bytes = bytes;
        this.start = start;
        this.size = end;
        this.delimiter = delimiter;
    }

    /** The start of the next line at or after {@code from} that is a delimiter (or close delimiter), or -1. */
    public int next(int from) {
        // a delimiter line starts with '-': visiting each '-' (eight bytes at a time in between) finds the first one
        // faster than visiting each line, since base64 lines hold none and text few
        int position = from;
        while (position + delimiter.length <= size) {
            int dash = Canonical.indexOf(bytes, position, size, (byte) '-');
            if (dash < 0 || dash + delimiter.length > size) {
                return -1;
            }
            if ((dash == start || bytes[dash - 1] == '\n') && startsWithDelimiter(dash)) {
                return dash;
            }
            position = dash + 1;
        }
        return -1;
    }

    private boolean startsWithDelimiter(int position) {
        for (int i = 0; i < delimiter.length; i++) {
            if (bytes[position + i] != delimiter[i]) {
                return false;
            }
        }
        // what follows must be "--", white space or the line end, not more boundary characters
        int after = position + delimiter.length;
        return after == size || bytes[after] == '-' || bytes[after] == '\r' || bytes[after] == '\n'
            || bytes[after] == ' ' || bytes[after] == '\t';
    }

    private int indexOfLf(int from) {
        return Canonical.indexOfLineFeed(bytes, from, size);
    }

    /** The position after the line break that ends the line starting at {@code lineStart}. */
    public int lineEnd(int lineStart) {
        int lf = indexOfLf(lineStart);
        return lf < 0 ? size : lf + 1;
    }

    /** The position of the line break (CRLF or LF) just before the line starting at {@code lineStart}. */
    public int lineBreakBefore(int lineStart) {
        int end = lineStart - 1;
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        return end;
    }
}
