package dev.tresor.keys.io;

import java.io.IOException;

import org.bouncycastle.asn1.ASN1Primitive;

/** Reading one DER (or BER) object, with a message that says what is wrong with it rather than how parsing failed. */
final class Der {
    private static final int SEQUENCE = 0x30;

    private Der() {
    }

    /** Whether the input can be DER at all: everything we read is an ASN.1 SEQUENCE at the top. */
    static boolean startsLikeDer(byte[] input) {
        return input.length > 1 && (input[0] & 0xff) == SEQUENCE;
    }

    /**
     * Parses exactly one ASN.1 object that fills {@code input}.
     *
     * @param what how messages name the input, e.g. {@code CERTIFICATE block 2 (line 14)}
     */
    static ASN1Primitive parse(byte[] input, String what) throws KeyMaterialException {
        String lengthProblem = outerLengthProblem(input);
        if (lengthProblem != null) {
            throw new KeyMaterialException("corrupt DER in " + what + ": " + lengthProblem);
        }
        try {
            return ASN1Primitive.fromByteArray(input);
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("corrupt DER in " + what + ": " + Certificates.rootMessage(e), e);
        }
    }

    /**
     * Compares the length the outermost object declares with the bytes present, so the common failures (a truncated
     * download, two files pasted together) get a plain message. Returns null when the outer length fits or is
     * indefinite (BER), leaving the rest to the parser.
     */
    private static String outerLengthProblem(byte[] input) {
        if (input.length < 2) {
            return "truncated: the input has only " + input.length + " byte(s)";
        }
        int first = input[1] & 0xff;
        long contentLength;
        int headerLength;
        if (first < 0x80) {
            contentLength = first;
            headerLength = 2;
        } else if (first == 0x80) {
            return null;
        } else {
            int lengthBytes = first & 0x7f;
            if (lengthBytes > 4) {
                return "length field of " + lengthBytes + " bytes is not plausible";
            }
            if (input.length < 2 + lengthBytes) {
                return "truncated inside the length field";
            }
            contentLength = 0;
            for (int i = 0; i < lengthBytes; i++) {
                contentLength = (contentLength << 8) | (input[2 + i] & 0xff);
            }
            headerLength = 2 + lengthBytes;
        }
        long declared = headerLength + contentLength;
        if (declared > input.length) {
            return "truncated: the object declares " + declared + " bytes but only " + input.length + " are present";
        }
        if (declared < input.length) {
            return (input.length - declared) + " unexpected bytes after the end of the object (" + declared
                + " bytes); were two files joined?";
        }
        return null;
    }
}
