package dev.tresor.smime;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cms.CMSTypedData;

import dev.tresor.mime.Chunked;

/**
 * CMS content that is a region of an array, written in large pieces so the digest runs in bulk over the bytes that
 * the signed message will carry (no copy, no byte-at-a-time canonicalising stream).
 */
final class ArrayContent implements CMSTypedData {
    private final byte[] array;
    private final int offset;
    private final int length;

    ArrayContent(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public ASN1ObjectIdentifier getContentType() {
        return CMSObjectIdentifiers.data;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        Chunked.write(array, offset, length, out);
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    /** The region as a MIME entity (its headers parsed, its body a view of the same array). */
    javax.mail.internet.MimeBodyPart asBodyPart() throws javax.mail.MessagingException {
        return new javax.mail.internet.MimeBodyPart(new javax.mail.util.SharedByteArrayInputStream(array, offset, length));
    }

    @Override
    public Object getContent() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }
}
