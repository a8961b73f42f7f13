package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Feeds ciphers and digests in 64 KiB pieces. One call with a whole megabyte runs the JDK's AES-GCM and SHA-2 in code
 * the JIT never compiles (the caller runs once per mail, too rarely), about ten times slower than the intrinsics that
 * the same work gets in pieces.
 */
public final class Chunked {
    static final int CHUNK = 64 * 1024;

    private Chunked() {
    }

    public static void write(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
        int end = offset + length;
        for (int start = offset; start < end; start += CHUNK) {
            out.write(bytes, start, Math.min(CHUNK, end - start));
        }
    }

    public static void copy(InputStream in, OutputStream out) throws IOException {
        if (in instanceof Pieces.Stream) {
            // a message of ours (a signed one handed to James without a copy): written from its arrays, no buffer
            in.transferTo(out);
            return;
        }
        byte[] buffer = new byte[CHUNK];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
        }
    }
}
