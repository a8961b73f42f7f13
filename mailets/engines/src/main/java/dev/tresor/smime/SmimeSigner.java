package dev.tresor.smime;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.asn1.smime.SMIMEEncryptionKeyPreferenceAttribute;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;

import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.Boundaries;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MimeEntity;
import dev.tresor.mime.Pieces;

/**
 * Signs a message with one private key and its certificate chain (RFC 8551).
 *
 * <p>The signed entity is the message's {@code Content-*} headers and raw body. It is signed as it will travel: with
 * CRLF line ends and, since a relay may re-encode 8-bit content and so break a signature, 7-bit only (8-bit parts are
 * re-encoded to quoted-printable or base64 first). Already 7-bit CRLF content, which is what James receives over SMTP
 * from nearly every client, is written once into the new message and digested there in bulk with the JDK's SHA-2.
 *
 * <p>Signed attributes: content type, message digest, signing time, CMS algorithm protection, S/MIME capabilities
 * (AES-256-GCM, AES-256-CBC, AES-128-CBC, RSA-OAEP) and the encryption key preference naming the signer's certificate.
 * The whole chain given is included. A message that is already signed is returned unchanged ({@link #isSigned}).
 */
public final class SmimeSigner {
    private static final DigestCalculatorProvider DIGESTS = jdkDigests();
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final int HOLDER_CACHE_SIZE = 1024;

    /**
     * Bouncy Castle's form of the certificates we sign with, by certificate. Building the signer info and the
     * certificate set from the JDK's certificates encodes and parses each of them again for every mail: 20 KB of
     * garbage per mail, 7 % of what the S/MIME chain adds to James's allocation in the 10 KB relay (issue 17).
     */
    private static final Map<X509Certificate, X509CertificateHolder> HOLDERS = Collections.synchronizedMap(
        new LinkedHashMap<X509Certificate, X509CertificateHolder>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<X509Certificate, X509CertificateHolder> eldest) {
                return size() > HOLDER_CACHE_SIZE;
            }
        });

    private final SigningOptions options;

    public SmimeSigner(SigningOptions options) {
        this.options = Objects.requireNonNull(options);
    }

    public SigningOptions options() {
        return options;
    }

    public static boolean isSigned(MimeMessage message) throws MessagingException {
        return SmimeType.of(message).isSigned();
    }

    /**
     * @param chain the signer's certificate first, then its issuers
     * @throws SmimeException when the key cannot sign (wrong type, mismatched certificate) or the message is malformed
     */
    public MimeMessage sign(MimeMessage message, PrivateKey key, List<X509Certificate> chain) throws SmimeException {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No signer certificate");
        }
        try {
            MimeEntity entity = MimeEntity.of(message);
            return options.format() == SigningOptions.Format.DETACHED
                ? signDetached(entity, key, chain)
                : signOpaque(entity, key, chain);
        } catch (MessagingException | IOException e) {
            throw new SmimeException("the message cannot be read (malformed MIME or transfer encoding)", e);
        }
    }

    private MimeMessage signDetached(MimeEntity entity, PrivateKey key, List<X509Certificate> chain)
        throws MessagingException, IOException, SmimeException {
        String boundary = Boundaries.random("Signed");
        ByteSink head = new ByteSink(8 * 1024);
        entity.writeEnvelopeHeaders(head);
        head.ascii("MIME-Version: 1.0").crlf()
            .ascii("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg="
                + options.digest().micalg() + ";").crlf()
            .ascii("\tboundary=\"" + boundary + "\"").crlf()
            .crlf()
            .ascii("This is an S/MIME signed message.").crlf()
            .crlf()
            .ascii("--" + boundary).crlf();
        // the signed entity is not copied: the new message refers to the original body where it is canonical
        MimeEntity.Signable signable = entity.signable();

        byte[] signature = signedData(new SignableContent(signable), false, key, chain);

        ByteSink tail = new ByteSink((int) Base64Lines.encodedCapacity(signature.length) + 1024);
        tail.crlf().ascii("--" + boundary).crlf()
            .ascii("Content-Type: application/pkcs7-signature; name=\"smime.p7s\"").crlf()
            .ascii("Content-Transfer-Encoding: base64").crlf()
            .ascii("Content-Disposition: attachment; filename=\"smime.p7s\"").crlf()
            .ascii("Content-Description: S/MIME Cryptographic Signature").crlf()
            .crlf();
        tail.base64(signature);
        tail.crlf().ascii("--" + boundary + "--").crlf();
        Pieces pieces = new Pieces().add(head);
        signable.addTo(pieces);
        return pieces.add(tail).toMessage();
    }

    /** The signable entity as CMS content, written in large pieces so the digest runs in bulk. */
    private static final class SignableContent implements CMSTypedData {
        private final MimeEntity.Signable signable;

        SignableContent(MimeEntity.Signable signable) {
            this.signable = signable;
        }

        @Override
        public ASN1ObjectIdentifier getContentType() {
            return CMSObjectIdentifiers.data;
        }

        @Override
        public void write(OutputStream out) throws IOException {
            signable.writeTo(out);
        }

        /**
         * Bouncy Castle only runs the signers when this is not null, and reads it only when it encapsulates, which a
         * detached signature does not: the entity itself stands for its bytes, rather than a copy of them.
         */
        @Override
        public Object getContent() {
            return signable;
        }
    }

    /**
     * The opaque form streams: the canonical entity (the original body's bytes where they are canonical already) goes
     * through Bouncy Castle's streaming generator (digested on the way, with the JDK's SHA-2) straight into base64
     * lines of the new message, so a large mail is held twice (entity and result), not five times.
     */
    private MimeMessage signOpaque(MimeEntity entity, PrivateKey key, List<X509Certificate> chain)
        throws MessagingException, IOException, SmimeException {
        MimeEntity.Signable content = entity.signable();

        // the base64 of the CMS (the content, certificates and signature: 64 KiB is room enough beside it), sized so
        // that the sink never grows: growing would hold two copies of a 25 MB mail's text at once
        ByteSink out = new ByteSink(capacity(Base64Lines.encodedCapacity(content.length() + 64L * 1024) + 16 * 1024));
        entity.writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf()
            .ascii("Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"").crlf()
            .ascii("Content-Transfer-Encoding: base64").crlf()
            .ascii("Content-Disposition: attachment; filename=\"smime.p7m\"").crlf()
            .crlf();
        X509Certificate signer = checkedSigner(key, chain);
        try (OutputStream base64 = Base64Lines.encoder(out)) {
            CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
            // the content in 64 KiB octet strings, not Bouncy Castle's 1,000-byte ones: 4 bytes of header each, which
            // at 1,000 bytes added 0.4 % (150 KB for a 25 MB attachment) and outgrew the sink sized for the content
            generator.setBufferSize(64 * 1024);
            generator.addSignerInfoGenerator(signerInfoGenerator(key, signer));
            generator.addCertificates(certificates(chain));
            try (OutputStream signed = generator.open(base64, true)) {
                content.writeTo(signed);
            }
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw cannotSign(signer, e);
        } catch (CMSException | RuntimeException e) {
            throw signingFailed(signer, e);
        }
        out.crlf();
        return out.toMessage();
    }

    private byte[] signedData(CMSTypedData content, boolean encapsulate, PrivateKey key, List<X509Certificate> chain)
        throws SmimeException {
        X509Certificate signer = checkedSigner(key, chain);
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfoGenerator(key, signer));
            generator.addCertificates(certificates(chain));
            CMSSignedData signed = generator.generate(content, encapsulate);
            return signed.getEncoded("DER");
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw cannotSign(signer, e);
        } catch (CMSException | IOException | RuntimeException e) {
            throw signingFailed(signer, e);
        }
    }

    private static X509Certificate checkedSigner(PrivateKey key, List<X509Certificate> chain) throws SmimeException {
        X509Certificate signer = chain.get(0);
        if (!KeyMatch.matches(key, signer.getPublicKey())) {
            throw new SmimeException("The private key does not belong to the certificate of "
                + signer.getSubjectX500Principal().getName() + " (serial " + signer.getSerialNumber().toString(16) + ")");
        }
        return signer;
    }

    private SignerInfoGenerator signerInfoGenerator(PrivateKey key, X509Certificate signer)
        throws OperatorCreationException, CertificateEncodingException, SmimeException {
        return new JcaSignerInfoGeneratorBuilder(DIGESTS)
            .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(smimeAttributes(signer)))
            .build(contentSigner(key), holder(signer));
    }

    private static CollectionStore<X509CertificateHolder> certificates(List<X509Certificate> chain)
        throws CertificateEncodingException {
        List<X509CertificateHolder> holders = new ArrayList<>(chain.size());
        for (X509Certificate certificate : distinct(chain)) {
            holders.add(holder(certificate));
        }
        return new CollectionStore<>(holders);
    }

    private static X509CertificateHolder holder(X509Certificate certificate) throws CertificateEncodingException {
        X509CertificateHolder cached = HOLDERS.get(certificate);
        if (cached != null) {
            return cached;
        }
        // parsed outside the map's lock: two threads may both parse a new certificate, and both results are equal
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(certificate.getEncoded());
        } catch (IOException e) {
            throw new CertificateEncodingException("the certificate cannot be read back: " + e.getMessage(), e);
        }
        HOLDERS.put(certificate, holder);
        return holder;
    }

    private static SmimeException cannotSign(X509Certificate signer, Exception e) {
        return new SmimeException("Cannot sign with the key of " + signer.getSubjectX500Principal().getName() + ": "
            + e.getMessage(), e);
    }

    private static SmimeException signingFailed(X509Certificate signer, Exception e) {
        return new SmimeException("Signing failed with the key of " + signer.getSubjectX500Principal().getName()
            + " (does the private key belong to the certificate?): " + e.getMessage(), e);
    }

    private ContentSigner contentSigner(PrivateKey key) throws OperatorCreationException, SmimeException {
        String digest = options.digest().name();
        if (SmimeProviders.isEllipticCurve(key)) {
            return new JcaContentSignerBuilder(digest + "withECDSA").setProvider(SmimeProviders.BOUNCY_CASTLE).build(key);
        }
        if (!key.getAlgorithm().equals("RSA")) {
            throw new SmimeException("Unsupported signing key algorithm " + key.getAlgorithm() + ": RSA or EC expected");
        }
        if (options.rsaPadding() == SigningOptions.RsaPadding.PSS) {
            return new JcaContentSignerBuilder(digest + "withRSAandMGF1").setProvider(SmimeProviders.BOUNCY_CASTLE).build(key);
        }
        Optional<PrivateKey> nativeKey = NativeRsa.nativeKey(key);
        if (nativeKey.isPresent()) {
            return new JcaContentSignerBuilder(digest + "withRSA").setProvider(NativeRsa.provider().orElseThrow())
                .build(nativeKey.get());
        }
        return new JcaContentSignerBuilder(digest + "withRSA").build(key);
    }

    private static AttributeTable smimeAttributes(X509Certificate signer) {
        SMIMECapabilityVector capabilities = new SMIMECapabilityVector();
        capabilities.addCapability(NISTObjectIdentifiers.id_aes256_GCM);
        capabilities.addCapability(SMIMECapability.aES256_CBC);
        capabilities.addCapability(SMIMECapability.aES128_CBC);
        capabilities.addCapability(PKCSObjectIdentifiers.id_RSAES_OAEP);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(signingTime(Instant.now()));
        attributes.add(new SMIMECapabilitiesAttribute(capabilities));
        attributes.add(new SMIMEEncryptionKeyPreferenceAttribute(new IssuerAndSerialNumber(
            X500Name.getInstance(signer.getIssuerX500Principal().getEncoded()), signer.getSerialNumber())));
        return new AttributeTable(attributes);
    }

    /**
     * The signing time (RFC 5652 11.3), which Bouncy Castle's default generator would otherwise add: it formats the time
     * with a new SimpleDateFormat and parses it back to check it, about 1 % of the relay's CPU per signed mail
     * (issue 17). A UTCTime until 2049, a GeneralizedTime from 2050 on, as RFC 5652 asks.
     */
    static Attribute signingTime(Instant now) {
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        if (utc.getYear() >= 2050) {
            return new Attribute(CMSAttributes.signingTime, new DERSet(new Time(java.util.Date.from(now))));
        }
        byte[] text = UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[2 + text.length];
        encoded[0] = BERTags.UTC_TIME;
        encoded[1] = (byte) text.length;
        System.arraycopy(text, 0, encoded, 2, text.length);
        return new Attribute(CMSAttributes.signingTime, new DERSet(Time.getInstance(ASN1UTCTime.getInstance(encoded))));
    }

    private static List<X509Certificate> distinct(List<X509Certificate> chain) {
        List<X509Certificate> result = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (!result.contains(certificate)) {
                result.add(certificate);
            }
        }
        return result;
    }

    private static int capacity(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE - 16, bytes);
    }

    private static DigestCalculatorProvider jdkDigests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("The JDK offers no message digests", e);
        }
    }
}
