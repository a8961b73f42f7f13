package dev.tresor.pdf;

import java.util.Objects;

/**
 * How the PDF is locked: the cipher, and what a reader that opened it with the password may do. The owner password
 * (which would lift the restrictions) is random per document and thrown away.
 */
public final class PdfProtection {
    /** AES-256 is PDF 2.0's standard security handler, revision 6; AES-128 is revision 4, for very old readers. */
    public enum Cipher {
        AES_256(256), AES_128(128);

        private final int keyBits;

        Cipher(int keyBits) {
            this.keyBits = keyBits;
        }

        public int keyBits() {
            return keyBits;
        }
    }

    public static final PdfProtection DEFAULT = new PdfProtection(Cipher.AES_256, true, true);

    private final Cipher cipher;
    private final boolean allowPrint;
    private final boolean allowCopy;

    public PdfProtection(Cipher cipher, boolean allowPrint, boolean allowCopy) {
        this.cipher = Objects.requireNonNull(cipher);
        this.allowPrint = allowPrint;
        this.allowCopy = allowCopy;
    }

    public Cipher cipher() {
        return cipher;
    }

    public boolean allowPrint() {
        return allowPrint;
    }

    public boolean allowCopy() {
        return allowCopy;
    }
}
