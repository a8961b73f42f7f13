package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataParser;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;

import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.RecipientId;
import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.HeaderProtection;
import dev.tresor.mime.MimeEntity;

/**
 * Decrypts an S/MIME message (EnvelopedData or AuthEnvelopedData) with whichever of the recipient's keys its
 * RecipientInfos name, current or historical: each RecipientInfo's issuer and serial number or subject key identifier
 * is looked up, so mail encrypted to a superseded certificate still opens.
 *
 * <p>Only a message that is encrypted as a whole is decrypted. An encrypted part inside an otherwise plain multipart is
 * left alone: splicing decrypted content into attacker-controlled plain parts is how EFAIL exfiltrates plaintext.
 *
 * <p>The result keeps the outer headers (From, To, Subject, ...) and takes the {@code Content-*} headers and body from
 * the decrypted entity, which may itself be signed (sign-then-encrypt); verifying that is VerifySmime's job. Protected
 * headers inside (RFC 9788 or {@code protected-headers="v1"}) replace the outer ones and a legacy display is removed
 * ({@link HeaderProtection}); no other header inside reaches the outer header. One streaming pass: raw body, base64,
 * CMS, AES, into the new message's buffer.
 */
public final class SmimeDecryptor {
    private static final Provider JDK_CIPHERS = Security.getProvider("SunJCE");
    /**
     * Above this body size AES-GCM content is decrypted by Bouncy Castle, which streams: the JDK's GCM holds the whole
     * ciphertext until it has checked the tag (a growing array, twice the envelope at worst), too much for a 25 MB
     * attachment in a small heap. Below it the JDK's AES-NI code is several times faster.
     */
    private static final int LARGE_GCM_ENVELOPE = 8 * 1024 * 1024;


    /** Finds the private keys (with their certificates) that may open a RecipientInfo. */
    @FunctionalInterface
    public interface KeyLookup {
        List<KeyPairEntry> keysFor(RecipientId recipientId);
    }

    /** A decrypted message and what opened it. */
    public static final class Decrypted {
        private final MimeMessage message;
        private final KeyPairEntry key;
        private final boolean authenticated;

        private Decrypted(MimeMessage message, KeyPairEntry key, boolean authenticated) {
            this.message = message;
            this.key = key;
            this.authenticated = authenticated;
        }

        public MimeMessage message() {
            return message;
        }

        /** The key that opened the envelope. */
        public KeyPairEntry key() {
            return key;
        }

        /** Whether the cipher authenticated the content (AES-GCM), so it cannot have been altered in transit. */
        public boolean authenticated() {
            return authenticated;
        }
    }

    public static boolean isEncrypted(MimeMessage message) throws MessagingException {
        return SmimeType.of(message).isEncrypted();
    }

    /**
     * @throws SmimeException when the message is not S/MIME encrypted, none of its RecipientInfos names a key the
     *     lookup has, or the envelope is corrupt, tampered with (GCM) or does not open with the key
     */
    public Decrypted decrypt(MimeMessage message, KeyLookup keys) throws SmimeException {
        Objects.requireNonNull(keys);
        try {
            SmimeType type = SmimeType.of(message);
            if (type == SmimeType.OTHER_SMIME) {
                throw new SmimeException("application/pkcs7-mime without a readable CMS EnvelopedData or AuthEnvelopedData");
            }
            if (!type.isEncrypted()) {
                throw new SmimeException("Not an S/MIME encrypted message (" + type + ")");
            }
            MimeEntity entity = MimeEntity.of(message);
            try (InputStream cms = cmsStream(entity)) {
                return type == SmimeType.AUTH_ENVELOPED ? openAuthEnveloped(entity, cms, keys) : openEnveloped(entity, cms, keys);
            }
        } catch (MessagingException e) {
            throw new SmimeException("the encrypted message cannot be read (malformed MIME)", e);
        } catch (IOException e) {
            throw new SmimeException("the encrypted content is damaged (truncated, badly encoded or not valid CMS)", e);
        } catch (CMSException e) {
            throw new SmimeException("the encrypted content cannot be opened with this key (damaged, or not encrypted for it)", e);
        } catch (RuntimeException e) {
            throw new SmimeException("the encrypted content is damaged (truncated or not valid CMS)", e);
        }
    }

    private Decrypted openEnveloped(MimeEntity entity, InputStream cms, KeyLookup keys)
        throws CMSException, IOException, MessagingException, SmimeException {
        CMSEnvelopedDataParser parser = new CMSEnvelopedDataParser(cms);
        try {
            Match match = findKey(parser.getRecipientInfos(), keys, key -> opener(key, JDK_CIPHERS));
            return new Decrypted(readContent(entity, match.recipient.getContentStream(match.opener)), match.key, false);
        } finally {
            parser.close();
        }
    }

    /**
     * AuthEnvelopedData is parsed whole (Bouncy Castle's streaming parser returned empty content here); the plaintext is
     * then streamed into the new message, which is used only if the tag, checked at the end of the stream, is right.
     * Small envelopes go through the JDK's AES-GCM, large ones through Bouncy Castle's ({@link #LARGE_GCM_ENVELOPE}).
     */
    private Decrypted openAuthEnveloped(MimeEntity entity, InputStream cms, KeyLookup keys)
        throws CMSException, IOException, MessagingException, SmimeException {
        CMSAuthEnvelopedData envelope = new CMSAuthEnvelopedData(cms);
        Function<PrivateKey, Recipient> openers = entity.bodySizeHint() > LARGE_GCM_ENVELOPE
            ? key -> opener(key, SmimeProviders.BOUNCY_CASTLE)
            : key -> JdkGcmRecipients.forKey(key, JDK_CIPHERS);
        Match match = findKey(envelope.getRecipientInfos(), keys, openers);
        return new Decrypted(readContent(entity, match.recipient.getContentStream(match.opener)), match.key, true);
    }

    private static final class Match {
        private final RecipientInformation recipient;
        private final Recipient opener;
        private final KeyPairEntry key;

        Match(RecipientInformation recipient, Recipient opener, KeyPairEntry key) {
            this.recipient = recipient;
            this.opener = opener;
            this.key = key;
        }
    }

    private static Match findKey(RecipientInformationStore recipients, KeyLookup keys, Function<PrivateKey, Recipient> openers)
        throws SmimeException {
        StringBuilder named = new StringBuilder();
        for (RecipientInformation recipient : recipients.getRecipients()) {
            Optional<RecipientId> id = recipientId(recipient.getRID());
            if (id.isEmpty()) {
                continue;
            }
            named.append(named.length() == 0 ? "" : "; ").append(id.get());
            List<KeyPairEntry> candidates = keys.keysFor(id.get());
            if (!candidates.isEmpty()) {
                KeyPairEntry key = candidates.get(0);
                return new Match(recipient, openers.apply(key.privateKey()), key);
            }
        }
        throw new SmimeException("No private key for any recipient of the message (" + recipients.size()
            + " RecipientInfos: " + named + ")");
    }

    /** Bouncy Castle's recipients, the content decrypted by the given provider. */
    private static Recipient opener(PrivateKey key, Provider contentProvider) {
        if (SmimeProviders.isEllipticCurve(key)) {
            return new JceKeyAgreeEnvelopedRecipient(key).setProvider(SmimeProviders.BOUNCY_CASTLE).setContentProvider(contentProvider);
        }
        return new JceKeyTransEnvelopedRecipient(key).setContentProvider(contentProvider);
    }

    static Optional<RecipientId> recipientId(org.bouncycastle.cms.RecipientId rid) {
        X500Name issuer = null;
        java.math.BigInteger serial = null;
        byte[] subjectKeyIdentifier = null;
        if (rid instanceof KeyTransRecipientId) {
            KeyTransRecipientId keyTrans = (KeyTransRecipientId) rid;
            issuer = keyTrans.getIssuer();
            serial = keyTrans.getSerialNumber();
            subjectKeyIdentifier = keyTrans.getSubjectKeyIdentifier();
        } else if (rid instanceof KeyAgreeRecipientId) {
            KeyAgreeRecipientId keyAgree = (KeyAgreeRecipientId) rid;
            issuer = keyAgree.getIssuer();
            serial = keyAgree.getSerialNumber();
            subjectKeyIdentifier = keyAgree.getSubjectKeyIdentifier();
        }
        try {
            if (issuer != null && serial != null) {
                return Optional.of(RecipientId.issuerAndSerial(new X500Principal(issuer.getEncoded()), serial));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (subjectKeyIdentifier != null && subjectKeyIdentifier.length > 0) {
            return Optional.of(RecipientId.subjectKeyIdentifier(subjectKeyIdentifier));
        }
        return Optional.empty();
    }

    private static MimeMessage readContent(MimeEntity entity, CMSTypedStream content) throws IOException, MessagingException {
        return readContent(entity, content.getContentStream());
    }

    private static MimeMessage readContent(MimeEntity entity, InputStream content) throws IOException, MessagingException {
        ByteSink out = new ByteSink(entity.bodySizeHint() * 3 / 4 + 16 * 1024);
        InternetHeaders payload;
        try (InputStream plaintext = new PushbackInputStream(content, 2)) {
            payload = new InternetHeaders(plaintext);
            HeaderProtection.writeDecryptedHeader(entity, payload, out);
            out.crlf();
            out.readFrom(plaintext);
        }
        return HeaderProtection.afterDecryption(out.toMessage(), payload);
    }

    private static InputStream cmsStream(MimeEntity entity) throws MessagingException {
        String encoding = entity.transferEncoding().orElse("7bit").toLowerCase(Locale.ROOT);
        InputStream raw = entity.rawBody();
        return encoding.equals("base64") ? Base64Lines.decoder(raw) : raw;
    }
}
