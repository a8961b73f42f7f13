package dev.tresor.keys.io;

import java.io.IOException;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encoding;
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
        ASN1Primitive object;
        byte[] der;
        try {
            object = ASN1Primitive.fromByteArray(input);
            der = object.getEncoded(ASN1Encoding.DER);
            // Bouncy Castle writes some malformed values differently each time it writes them (a GeneralizedTime
            // with a comma fraction grows zeros: found by DerFuzzTest's 10-minute run); nothing valid does that, and
            // what we store must read back as it was written
            if (!Arrays.equals(ASN1Primitive.fromByteArray(der).getEncoded(ASN1Encoding.DER), der)) {
                throw new KeyMaterialException("corrupt DER in " + what
                    + ": a value (such as a time with a fraction) is not in a form DER allows");
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("corrupt DER in " + what + ": " + Certificates.rootMessage(e), e);
        }
        return object;
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
