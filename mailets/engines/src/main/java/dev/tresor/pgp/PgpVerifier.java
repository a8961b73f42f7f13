package dev.tresor.pgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;

import dev.tresor.keys.Hex;
import dev.tresor.mime.DecodedContent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.io.PgpComponentKey;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;
import dev.tresor.mime.Chunked;
import dev.tresor.mime.TwoParts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OpenPGP signatures of a message: detached ({@code multipart/signed}, RFC 3156) over the exact bytes of the
 * first part, or inline (one armored {@code PGP MESSAGE} with one-pass signed literal data), or the signatures that
 * came inside an encrypted message (sign, then encrypt; see {@link PgpDecryptor.Decrypted#content()}).
 *
 * <p>{@link PgpVerdict.Status#VALID} needs all of: the signature verifies over the content with a SHA-2 or SHA-3 hash;
 * the signer's key is in the recipient tenant's vault (imported or harvested), not revoked, by its holder or the
 * tenant's administrator; the signing key (primary or subkey) was valid at the signing time and may sign; a valid user
 * id of the key names the From address. With several signatures, one valid one is enough.
 */
public final class PgpVerifier {
    private static final Logger LOGGER = LoggerFactory.getLogger(PgpVerifier.class);
    /** Signatures naming more issuers than this are refused rather than looked up one by one. */
    private static final int MAX_SIGNATURES = 8;

    /** The keys of one tenant that may have made a signature. */
    public interface SignerKeys {
        List<PgpKeyEntry> withKeyId(long keyId);
    }

    public PgpVerdict verify(MimeMessage message, Optional<EmailAddress> from, SignerKeys keys) {
        try {
            PgpForm form = PgpForm.of(message);
            if (form == PgpForm.SIGNED_MIME) {
                return verifyDetached(message, from, keys);
            }
            if (form == PgpForm.SIGNED_INLINE) {
                byte[] body = PgpForm.inlineBody(message);
                ByteSink packets = Armor.read(body, 0, body.length, Armor.MESSAGE);
                LiteralContent content = LiteralContent.read(packets.asInputStream(), packets.size(), DecryptionLimits.DEFAULT);
                return verify(content, from, keys);
            }
            return PgpVerdict.notSigned();
        } catch (PgpException e) {
            LOGGER.info("Unreadable OpenPGP signature", e);
            return PgpVerdict.of(PgpVerdict.Status.INVALID, e.getMessage());
        } catch (MessagingException | IOException | RuntimeException e) {
            LOGGER.info("Unreadable OpenPGP signed message", e);
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "the signed message cannot be read (malformed MIME or OpenPGP data)");
        }
    }

    /** The signatures that came with literal data (inline, or inside an encrypted message). */
    public PgpVerdict verify(LiteralContent content, Optional<EmailAddress> from, SignerKeys keys) {
        if (content.signatures().isEmpty()) {
            return PgpVerdict.notSigned();
        }
        return best(content.signatures(), content.array(), 0, content.length(), from, keys);
    }

    private PgpVerdict verifyDetached(MimeMessage message, Optional<EmailAddress> from, SignerKeys keys)
        throws MessagingException, IOException, PgpException {
        TwoParts parts;
        try {
            parts = TwoParts.read(message);
        } catch (TwoParts.Malformed e) {
            throw new PgpException(e.noBoundary() ? "malformed multipart/signed: no boundary parameter"
                : "malformed multipart/signed: expected two body parts between '--" + e.boundary() + "' delimiters");
        }
        int contentStart = parts.firstStart();
        int contentLength = parts.firstLength();
        if (contentLength < 0 || parts.secondLength() < 0) {
            throw new PgpException("malformed multipart/signed: empty body part");
        }
        byte[] body = parts.bytes();
        List<PGPSignature> signatures = signatures(parts.secondPart());
        PgpVerdict verdict = best(signatures, body, contentStart, contentLength, from, keys);
        if (verdict.status() == PgpVerdict.Status.INVALID && verdict.signer().isPresent()
            && !Canonical.scan(body, contentStart, contentLength).isCrlf()) {
            // stored with bare line ends: the entity was signed in its canonical CRLF form (RFC 3156, 5)
            ByteSink crlf = new ByteSink(contentLength + contentLength / 16 + 16);
            Canonical.toCrlf(body, contentStart, contentLength, crlf);
            return best(signatures, crlf.array(), 0, crlf.size(), from, keys);
        }
        return verdict;
    }

    private static List<PGPSignature> signatures(MimeBodyPart part) throws MessagingException, IOException, PgpException {
        if (!part.isMimeType("application/pgp-signature")) {
            throw new PgpException("malformed multipart/signed: the second part is " + part.getContentType()
                + ", not application/pgp-signature");
        }
        ByteSink decoded = new ByteSink(4096);
        try (InputStream in = DecodedContent.of(part)) {
            decoded.readFrom(in);
        }
        byte[] packets = decoded.size() > 0 && (decoded.array()[0] & 0x80) != 0
            ? decoded.toByteArray()
            : Armor.read(decoded.array(), 0, decoded.size(), Armor.SIGNATURE).toByteArray();
        List<PGPSignature> signatures = new ArrayList<>();
        try {
            JcaPGPObjectFactory factory = new JcaPGPObjectFactory(packets);
            Object next;
            while ((next = factory.nextObject()) != null) {
                if (!(next instanceof PGPSignatureList)) {
                    throw new PgpException("malformed signature part: " + next.getClass().getSimpleName() + " instead of a signature");
                }
                ((PGPSignatureList) next).forEach(signatures::add);
            }
        } catch (IOException | RuntimeException e) {
            throw new PgpException("the OpenPGP signature is damaged (truncated or not valid OpenPGP)", e);
        }
        if (signatures.isEmpty()) {
            throw new PgpException("the signature part holds no signature");
        }
        return signatures;
    }

    /** One valid signature suffices; otherwise the most telling failure (a known key's verdict before an unknown key). */
    private PgpVerdict best(List<PGPSignature> signatures, byte[] data, int offset, int length, Optional<EmailAddress> from,
                            SignerKeys keys) {
        if (signatures.size() > MAX_SIGNATURES) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, signatures.size() + " signatures, more than " + MAX_SIGNATURES);
        }
        List<PgpVerdict> verdicts = new ArrayList<>();
        for (PGPSignature signature : signatures) {
            PgpVerdict verdict = check(signature, data, offset, length, from, keys);
            if (verdict.isValid()) {
                return verdict;
            }
            verdicts.add(verdict);
        }
        return verdicts.stream()
            .max(Comparator.comparing(verdict -> verdict.status() == PgpVerdict.Status.UNKNOWN_KEY ? 0 : 1))
            .orElseThrow();
    }

    private PgpVerdict check(PGPSignature signature, byte[] data, int offset, int length, Optional<EmailAddress> from,
                             SignerKeys keys) {
        if (signature.getSignatureType() != PGPSignature.BINARY_DOCUMENT
            && signature.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "not a document signature (type " + signature.getSignatureType() + ")");
        }
        Optional<Signer> found = signer(signature, keys);
        if (found.isEmpty()) {
            return PgpVerdict.of(PgpVerdict.Status.UNKNOWN_KEY, "no key " + issuers(signature) + " in the recipient's vault");
        }
        Signer signer = found.get();
        Instant time = signature.getCreationTime().toInstant();
        PgpFingerprint fingerprint = signer.entry.fingerprint();
        Optional<String> userId = from.flatMap(address -> userIdNaming(signer.entry, address));
        try {
            Signatures.initVerification(signature, signer.publicKey);
            Chunked.write(data, offset, length, new Updater(signature));
            if (!signature.verify()) {
                return PgpVerdict.of(PgpVerdict.Status.INVALID, "the signature does not match the content", fingerprint, userId, time);
            }
        } catch (PGPException | IOException | RuntimeException e) {
            LOGGER.info("OpenPGP signature cannot be checked", e);
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "the signature cannot be checked (damaged or of an unsupported algorithm)", fingerprint, userId, time);
        }
        if (!Signatures.isStrongHash(signature.getHashAlgorithm())) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "signed with a weak hash (algorithm " + signature.getHashAlgorithm()
                + "); SHA-256 or stronger is required", fingerprint, userId, time);
        }
        if (signer.entry.status() == KeyStatus.REVOKED) {
            return PgpVerdict.of(PgpVerdict.Status.REVOKED, "the key was revoked by the tenant's administrator", fingerprint, userId, time);
        }
        if (signer.entry.isRevoked() || signer.component.isRevoked()) {
            return PgpVerdict.of(PgpVerdict.Status.REVOKED, "the key was revoked by its holder", fingerprint, userId, time);
        }
        if (!signer.entry.key().primaryKey().isValidAt(time) || !signer.component.isValidAt(time)) {
            return PgpVerdict.of(PgpVerdict.Status.EXPIRED, "the key was not valid at the signing time " + time, fingerprint, userId, time);
        }
        if (!signer.component.canSign()) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "the key " + signer.component.fingerprint() + " may not sign data",
                fingerprint, userId, time);
        }
        if (from.isEmpty()) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "the message has no single From address to match the signer", fingerprint,
                Optional.empty(), time);
        }
        if (userId.isEmpty()) {
            return PgpVerdict.of(PgpVerdict.Status.INVALID, "no valid user id of the signer's key names " + from.get().asString()
                + " (it names " + signer.entry.userIds() + ")", fingerprint, Optional.empty(), time);
        }
        return PgpVerdict.of(PgpVerdict.Status.VALID, "signed by " + userId.get() + " with key " + fingerprint.asString(),
            fingerprint, userId, time);
    }

    private static final class Signer {
        final PgpKeyEntry entry;
        final PgpComponentKey component;
        final PGPPublicKey publicKey;

        Signer(PgpKeyEntry entry, PgpComponentKey component, PGPPublicKey publicKey) {
            this.entry = entry;
            this.component = component;
            this.publicKey = publicKey;
        }
    }

    /** The key the signature names as its issuer (fingerprint when given, else key id), among the tenant's keys. */
    private static Optional<Signer> signer(PGPSignature signature, SignerKeys keys) {
        for (KeyIdentifier issuer : signature.getKeyIdentifiers()) {
            if (issuer.isWildcard()) {
                continue;
            }
            for (PgpKeyEntry entry : keys.withKeyId(issuer.getKeyId())) {
                PGPPublicKey publicKey = entry.key().keyRing().getPublicKey(issuer.getKeyId());
                if (publicKey == null || (issuer.getFingerprint() != null && !issuer.hasFingerprint(publicKey.getFingerprint()))) {
                    continue;
                }
                String hex = Hex.encodeUpperCase(publicKey.getFingerprint());
                Optional<PgpComponentKey> component = components(entry).stream()
                    .filter(candidate -> candidate.fingerprint().equals(hex)).findFirst();
                if (component.isPresent()) {
                    return Optional.of(new Signer(entry, component.get(), publicKey));
                }
            }
        }
        return Optional.empty();
    }

    private static List<PgpComponentKey> components(PgpKeyEntry entry) {
        List<PgpComponentKey> all = new ArrayList<>();
        all.add(entry.key().primaryKey());
        all.addAll(entry.key().subkeys());
        return all;
    }

    private static Optional<String> userIdNaming(PgpKeyEntry entry, EmailAddress address) {
        if (!entry.addresses().contains(address)) {
            return Optional.empty();
        }
        String wanted = address.asString().toLowerCase(Locale.ROOT);
        return entry.userIds().stream()
            .filter(userId -> userId.toLowerCase(Locale.ROOT).contains(wanted))
            .findFirst()
            .or(() -> Optional.of(address.asString()));
    }

    private static String issuers(PGPSignature signature) {
        List<String> names = new ArrayList<>();
        java.util.Set<Long> named = new java.util.HashSet<>();
        for (KeyIdentifier issuer : signature.getKeyIdentifiers()) {
            if (issuer.getFingerprint() != null) {
                names.add(Hex.encodeUpperCase(issuer.getFingerprint()));
                named.add(issuer.getKeyId());
            }
        }
        for (KeyIdentifier issuer : signature.getKeyIdentifiers()) {
            if (issuer.getFingerprint() == null && named.add(issuer.getKeyId())) {
                names.add(PgpKeyNames.keyId(issuer.getKeyId()));
            }
        }
        return names.isEmpty() ? "(the signature names no issuer)" : String.join(" / ", names);
    }

    private static final class Updater extends OutputStream {
        private final PGPSignature signature;

        Updater(PGPSignature signature) {
            this.signature = signature;
        }

        @Override
        public void write(int b) {
            signature.update((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            signature.update(bytes, offset, length);
        }
    }
}
