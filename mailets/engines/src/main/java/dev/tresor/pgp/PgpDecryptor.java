package dev.tresor.pgp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

import dev.tresor.mime.DecodedContent;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;
import dev.tresor.mime.HeaderProtection;
import dev.tresor.mime.TwoParts;
import dev.tresor.mime.MimeEntity;

/**
 * Decrypts a message encrypted with OpenPGP as a whole: PGP/MIME (RFC 3156), or a single text body that is one
 * armored {@code PGP MESSAGE} (inline PGP, as older clients send it).
 *
 * <p>Each public-key encrypted session key packet names its recipient key (key id, or fingerprint in v6 packets); the
 * recipient's keys are asked for every private key with that id, across the key's whole history, and each is tried in
 * turn. An anonymous recipient (wildcard key id, {@code gpg --throw-keyids}) is tried with every key.
 *
 * <p>Refused with a reason: data without integrity protection (the old SED packet, no MDC: EFAIL could alter it
 * undetected), content altered after encryption (MDC or AEAD tag mismatch), decompression bombs (see
 * {@link DecryptionLimits}), anything but one literal data packet inside. Nothing of the decrypted content is returned
 * before the integrity check over all of it succeeded. The decrypted content replaces the message's content as a
 * whole; it is never merged with other parts.
 */
public final class PgpDecryptor {
    /** The recipients' private keys as Bouncy Castle's curves (and the JDK's RSA through it) use them, converted once. */
    private static final JcaPrivateKeys DECRYPTION_KEYS = new JcaPrivateKeys(PgpProviders.CURVES_WITH_JDK_DIGESTS);

    private final DecryptionLimits limits;

    public PgpDecryptor(DecryptionLimits limits) {
        this.limits = limits;
    }

    /** Where the private keys of the message's recipient come from (one tenant's vault). */
    public interface Keys {
        /** The private keys with this key id, or this fingerprint when the packet names one; all history. */
        List<PgpPrivateKeyEntry> forRecipient(KeyIdentifier recipient);

        /** Every private key that may decrypt, for an anonymous recipient. */
        List<PgpPrivateKeyEntry> all();
    }

    /** A decrypted message, with the key that opened it and any signature that was inside. */
    public static final class Decrypted {
        private final MimeMessage message;
        private final PgpPrivateKeyEntry key;
        private final String protection;
        private final LiteralContent content;

        Decrypted(MimeMessage message, PgpPrivateKeyEntry key, String protection, LiteralContent content) {
            this.message = message;
            this.key = key;
            this.protection = protection;
            this.content = content;
        }

        public MimeMessage message() {
            return message;
        }

        public PgpPrivateKeyEntry key() {
            return key;
        }

        /** E.g. {@code AES-256, SEIPD v1 (MDC)}. */
        public String protection() {
            return protection;
        }

        /** The decrypted literal data with the signatures that came with it (sign-then-encrypt), for the verifier. */
        public LiteralContent content() {
            return content;
        }
    }

    public static boolean isEncrypted(MimeMessage message) throws MessagingException {
        return PgpForm.of(message).isEncrypted();
    }

    /** @throws PgpException with the reason the message cannot be decrypted */
    public Decrypted decrypt(MimeMessage message, Keys keys) throws PgpException {
        try {
            PgpForm form = PgpForm.of(message);
            if (!form.isEncrypted()) {
                throw new PgpException("the message is not encrypted with OpenPGP as a whole");
            }
            ByteSink packets = form == PgpForm.ENCRYPTED_MIME ? mimePayload(message) : inlinePayload(message);
            Opened opened = open(packets, keys);
            MimeMessage result = form == PgpForm.ENCRYPTED_MIME
                ? withMimeContent(message, opened.content)
                : withInlineText(message, opened.content);
            return new Decrypted(result, opened.key, opened.protection, opened.content);
        } catch (MessagingException | IOException e) {
            throw new PgpException("the encrypted message cannot be read (malformed MIME or transfer encoding)", e);
        }
    }

    /**
     * The second part of the {@code multipart/encrypted} body, decoded: found by its delimiters in the raw body, which
     * is read once, rather than by javax.mail's multipart parser, which copies every part again.
     */
    private static ByteSink mimePayload(MimeMessage message) throws MessagingException, IOException, PgpException {
        TwoParts parts;
        try {
            parts = TwoParts.read(message);
        } catch (TwoParts.Malformed e) {
            throw new PgpException(e.noBoundary() ? "malformed PGP/MIME: no boundary parameter"
                : "malformed PGP/MIME: multipart/encrypted must have exactly two parts");
        }
        if (!parts.closed()) {
            throw new PgpException("malformed PGP/MIME: multipart/encrypted must have exactly two parts");
        }
        MimeBodyPart control = parts.firstPart();
        if (!control.isMimeType("application/pgp-encrypted")) {
            throw new PgpException("malformed PGP/MIME: the first part is " + control.getContentType()
                + ", not application/pgp-encrypted");
        }
        MimeBodyPart encrypted = parts.secondPart();
        String encoding = Optional.ofNullable(encrypted.getEncoding()).orElse("7bit").trim().toLowerCase(java.util.Locale.ROOT);
        if (encoding.equals("7bit") || encoding.equals("8bit")) {
            // armored text as every client sends it: read in place, the part's own headers before the armor skipped
            return Armor.read(parts.bytes(), parts.secondStart(), Math.max(0, parts.secondLength()), Armor.MESSAGE);
        }
        ByteSink payload = new ByteSink(Math.max(0, parts.secondLength()) + 64);
        try (InputStream in = DecodedContent.of(encrypted)) {
            payload.readFrom(in);
        }
        return packetsOf(payload.array(), 0, payload.size());
    }

    private static ByteSink inlinePayload(MimeMessage message) throws MessagingException, IOException, PgpException {
        byte[] body = PgpForm.inlineBody(message);
        return packetsOf(body, 0, body.length);
    }

    /** Armored text (what every client sends) or, tolerated, binary packets (a packet tag has its high bit set). */
    private static ByteSink packetsOf(byte[] payload, int offset, int length) throws PgpException {
        if (length > 0 && (payload[offset] & 0x80) != 0) {
            ByteSink binary = new ByteSink(length);
            binary.write(payload, offset, length);
            return binary;
        }
        return Armor.read(payload, offset, length, Armor.MESSAGE);
    }

    private static final class Opened {
        final PgpPrivateKeyEntry key;
        final String protection;
        final LiteralContent content;

        Opened(PgpPrivateKeyEntry key, String protection, LiteralContent content) {
            this.key = key;
            this.protection = protection;
            this.content = content;
        }
    }

    private Opened open(ByteSink packets, Keys keys) throws PgpException {
        PGPEncryptedDataList list = encryptedDataList(packets);
        if (!list.isIntegrityProtected()) {
            throw new PgpException("refused: the message is encrypted without integrity protection (SED packet, no MDC),"
                + " which an attacker can alter undetected (EFAIL)");
        }
        Map<PGPPublicKeyEncryptedData, List<PgpPrivateKeyEntry>> candidates = candidates(list, keys);
        if (candidates.values().stream().allMatch(List::isEmpty)) {
            throw new PgpException("no private key for any recipient of the message (" + recipients(list) + ")");
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<PGPPublicKeyEncryptedData, List<PgpPrivateKeyEntry>> candidate : candidates.entrySet()) {
            PGPPublicKeyEncryptedData data = candidate.getKey();
            for (PgpPrivateKeyEntry key : candidate.getValue()) {
                PGPSessionKey sessionKey;
                InputStream clear;
                try {
                    // the session key is recovered once (one X25519 agreement or RSA decryption) and then both
                    // named and used; asking Bouncy Castle for the algorithm and the stream separately does it twice
                    sessionKey = data.getSessionKey(new JcePublicKeyDataDecryptorFactoryBuilder()
                        .setProvider(PgpProviders.CURVES_WITH_JDK_DIGESTS)
                        .setContentProvider(data.isAEAD() ? PgpProviders.BOUNCY_CASTLE : PgpProviders.JDK_CIPHERS)
                        .build(DECRYPTION_KEYS.of(key.privateKey(), Signatures.publicKey(key))));
                    clear = data.getDataStream(new JceSessionKeyDataDecryptorFactoryBuilder()
                        .setProvider(data.isAEAD() ? PgpProviders.BOUNCY_CASTLE : PgpProviders.JDK_CIPHERS)
                        .build(sessionKey));
                } catch (PGPException | RuntimeException e) {
                    // a key id collision, or a key that is not the one the session key was encrypted to
                    failures.add(key.component().fingerprint() + ": " + PgpException.reason(e));
                    continue;
                }
                return new Opened(key, protection(data, sessionKey), readVerified(data, clear, packets.size()));
            }
        }
        throw new PgpException("none of the recipient's private keys opens the message: " + String.join("; ", failures));
    }

    /** Reads all of the content, then checks its integrity: nothing is returned from data that fails the check. */
    private LiteralContent readVerified(PGPPublicKeyEncryptedData data, InputStream clear, long inputSize) throws PgpException {
        LiteralContent content;
        try {
            content = LiteralContent.read(clear, inputSize, limits);
            org.bouncycastle.util.io.Streams.drain(clear);
            if (!data.isAEAD() && !data.verify()) {
                throw new PgpException("integrity check failed: the encrypted data was altered (MDC mismatch)");
            }
        } catch (LiteralContent.TooLarge e) {
            throw new PgpException(e.getMessage(), e);
        } catch (PgpException e) {
            throw new PgpException("the decrypted data is corrupt or was altered", e);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new PgpException("the encrypted data is corrupt or was altered (integrity check failed)", e);
        }
        return content;
    }

    private static String protection(PGPPublicKeyEncryptedData data, PGPSessionKey sessionKey) {
        String cipher = cipherName(sessionKey.getAlgorithm());
        return data.isAEAD() ? cipher + ", SEIPD v2 (AEAD)" : cipher + ", SEIPD v1 (MDC)";
    }

    private static String cipherName(int algorithm) {
        switch (algorithm) {
            case SymmetricKeyAlgorithmTags.AES_128:
                return "AES-128";
            case SymmetricKeyAlgorithmTags.AES_192:
                return "AES-192";
            case SymmetricKeyAlgorithmTags.AES_256:
                return "AES-256";
            default:
                return "symmetric algorithm " + algorithm;
        }
    }

    private static PGPEncryptedDataList encryptedDataList(ByteSink packets) throws PgpException {
        try {
            JcaPGPObjectFactory factory = new JcaPGPObjectFactory(packets.asInputStream());
            Object first = factory.nextObject();
            while (first instanceof PGPMarker) {
                first = factory.nextObject();
            }
            if (!(first instanceof PGPEncryptedDataList)) {
                throw new PgpException("the OpenPGP message is not encrypted (it starts with "
                    + (first == null ? "nothing" : first.getClass().getSimpleName()) + ")");
            }
            return (PGPEncryptedDataList) first;
        } catch (IOException | RuntimeException e) {
            throw new PgpException("the encrypted content is damaged (truncated or not valid OpenPGP)", e);
        }
    }

    private static Map<PGPPublicKeyEncryptedData, List<PgpPrivateKeyEntry>> candidates(PGPEncryptedDataList list, Keys keys) {
        Map<PGPPublicKeyEncryptedData, List<PgpPrivateKeyEntry>> candidates = new LinkedHashMap<>();
        List<PgpPrivateKeyEntry> all = null;
        for (PGPEncryptedData data : list) {
            if (data instanceof PGPPublicKeyEncryptedData) {
                PGPPublicKeyEncryptedData publicKeyData = (PGPPublicKeyEncryptedData) data;
                KeyIdentifier recipient = publicKeyData.getKeyIdentifier();
                if (recipient.isWildcard()) {
                    all = all == null ? keys.all() : all;
                    candidates.put(publicKeyData, all);
                } else {
                    candidates.put(publicKeyData, keys.forRecipient(recipient));
                }
            }
        }
        return candidates;
    }

    private static String recipients(PGPEncryptedDataList list) {
        List<String> names = new ArrayList<>();
        for (PGPEncryptedData data : list) {
            if (data instanceof PGPPublicKeyEncryptedData) {
                KeyIdentifier recipient = ((PGPPublicKeyEncryptedData) data).getKeyIdentifier();
                names.add(recipient.isWildcard() ? "anonymous recipient" : "key " + PgpKeyNames.keyId(recipient.getKeyId()));
            } else {
                names.add("a password");
            }
        }
        return String.join(", ", names);
    }

    /**
     * The outer headers (From, To, Subject, ...) with the decrypted MIME entity: only its {@code Content-*} headers
     * are taken, so that a header inside cannot add a second Subject or From to the message; protected headers
     * (RFC 9788 or {@code protected-headers="v1"}) replace the outer ones ({@link HeaderProtection}).
     */
    private static MimeMessage withMimeContent(MimeMessage message, LiteralContent content) throws MessagingException {
        SharedByteArrayInputStream in = new SharedByteArrayInputStream(content.array(), 0, content.length());
        InternetHeaders inner = new InternetHeaders(in);
        int bodyStart = (int) in.getPosition();
        ByteSink out = new ByteSink(content.length() + 8192);
        HeaderProtection.writeDecryptedHeader(MimeEntity.of(message), inner, out);
        out.crlf();
        out.write(content.array(), bodyStart, content.length() - bodyStart);
        return HeaderProtection.afterDecryption(out.toMessage(), inner);
    }

    /** Inline PGP: the decrypted text replaces the armored text, in the charset the message declared. */
    private static MimeMessage withInlineText(MimeMessage message, LiteralContent content) throws MessagingException {
        MimeEntity entity = MimeEntity.of(message);
        ContentType outer = entity.contentType();
        String charset = Optional.ofNullable(outer.getParameter("charset")).orElse("utf-8");
        Canonical.Scan scan = Canonical.scan(content.array(), 0, content.length());
        ByteSink out = new ByteSink(content.length() + content.length() / 16 + 8192);
        entity.writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf()
            .ascii("Content-Type: text/plain; charset=\"" + charset.replace("\"", "") + "\"").crlf()
            .ascii("Content-Transfer-Encoding: " + (scan.isSevenBit() ? "7bit" : "8bit")).crlf()
            .crlf();
        Canonical.toCrlf(content.array(), 0, content.length(), out);
        return out.toMessage();
    }
}
