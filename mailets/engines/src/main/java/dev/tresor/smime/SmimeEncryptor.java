package dev.tresor.smime;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;

import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MimeEntity;

/**
 * Encrypts a message to a set of recipient certificates: one envelope (RFC 8551 {@code application/pkcs7-mime}) with
 * one RecipientInfo per certificate, so every recipient of the mail, and any extra recipient such as the sender's own
 * certificate or an escrow certificate, opens the same message.
 *
 * <p>The message's {@code Content-*} headers and raw body become the encrypted entity; every other header stays
 * outside. The work is one streaming pass: raw body, AES (the JDK's, with AES-NI), CMS framing, base64 lines, all
 * into the new message's buffer. A signed message stays byte for byte what was signed (sign, then encrypt).
 */
public final class SmimeEncryptor {
    private static final AlgorithmIdentifier RSA_OAEP_SHA256 = oaepSha256();
    /**
     * Ciphertext octet-string pieces; Bouncy Castle's default of 1,000 bytes costs framing and a call per kilobyte. The
     * piece is also the buffer Bouncy Castle allocates per envelope: 4 KiB keeps both small (4 bytes of framing per
     * 4 KiB), and per-mail garbage is what grows the heap under load (issue 17).
     */
    private static final int OCTET_STRING_CHUNK = 4 * 1024;

    private final EncryptionOptions options;

    public SmimeEncryptor(EncryptionOptions options) {
        this.options = Objects.requireNonNull(options);
    }

    public EncryptionOptions options() {
        return options;
    }

    /**
     * @throws SmimeException when a certificate's key cannot be used (unsupported algorithm or curve) or the message
     *     is malformed
     */
    public MimeMessage encrypt(MimeMessage message, List<X509Certificate> recipients) throws SmimeException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("No recipient certificate");
        }
        try {
            MimeEntity entity = MimeEntity.of(message);
            // base64 with a CRLF every 76 characters of the envelope, sized so that the sink never grows under a large
            // mail, and without much more room than it needs, since every byte of it is zeroed first
            ByteSink out = new ByteSink((int) Math.min(Integer.MAX_VALUE - 16,
                Base64Lines.encodedCapacity(envelopeSize(entity.bodySizeHint(), recipients.size())) + 8 * 1024));
            entity.writeEnvelopeHeaders(out);
            String smimeType = options.contentCipher().smimeType();
            out.ascii("MIME-Version: 1.0").crlf()
                .ascii("Content-Type: application/pkcs7-mime; smime-type=" + smimeType + "; name=\"smime.p7m\"").crlf()
                .ascii("Content-Transfer-Encoding: base64").crlf()
                .ascii("Content-Disposition: attachment; filename=\"smime.p7m\"").crlf()
                .ascii("Content-Description: S/MIME Encrypted Message").crlf()
                .crlf();
            try (OutputStream base64 = Base64Lines.encoder(out)) {
                writeEnvelope(entity, recipients, base64);
            }
            out.crlf();
            return out.toMessage();
        } catch (MessagingException | IOException e) {
            throw new SmimeException("the message cannot be read (malformed MIME or transfer encoding)", e);
        }
    }

    private void writeEnvelope(MimeEntity entity, List<X509Certificate> recipients, OutputStream base64)
        throws SmimeException, IOException, MessagingException {
        List<RecipientInfoGenerator> recipientInfos = recipientInfos(recipients);
        try {
            OutputStream plaintext;
            if (options.contentCipher() == EncryptionOptions.ContentCipher.AES256_GCM) {
                CMSAuthEnvelopedDataStreamGenerator generator = new CMSAuthEnvelopedDataStreamGenerator();
                generator.setBufferSize(octetStringChunk(entity.bodySizeHint()));
                recipientInfos.forEach(generator::addRecipientInfoGenerator);
                OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).build();
                plaintext = generator.open(base64, encryptor);
            } else {
                CMSEnvelopedDataStreamGenerator generator = new CMSEnvelopedDataStreamGenerator();
                generator.setBufferSize(octetStringChunk(entity.bodySizeHint()));
                recipientInfos.forEach(generator::addRecipientInfoGenerator);
                OutputEncryptor encryptor = CbcContentEncryptor.create(entity.bodySizeHint());
                plaintext = generator.open(base64, encryptor);
            }
            try (OutputStream content = plaintext) {
                entity.writeEntity(content);
            }
        } catch (CMSException | GeneralSecurityException e) {
            throw new SmimeException("Encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * An upper bound of the envelope's size: the content (its headers are part of the message's size too) and its
     * padding, a few bytes of header per octet string, the recipient infos (an RSA-4096 one is under 1 KiB, an ECDH
     * one with its ephemeral key under 2 KiB) and the envelope's own structure.
     */
    private static long envelopeSize(int messageSize, int recipients) {
        return messageSize + 16 + 8L * (messageSize / 1024 + 1) + 2048L * recipients + 4096;
    }

    /** The content's octet strings: {@link #OCTET_STRING_CHUNK}, or less for a mail smaller than that. */
    private static int octetStringChunk(int messageSize) {
        return Math.max(1024, Math.min(OCTET_STRING_CHUNK, Integer.highestOneBit(Math.max(1, messageSize)) * 2));
    }

    private List<RecipientInfoGenerator> recipientInfos(List<X509Certificate> recipients) throws SmimeException {
        List<RecipientInfoGenerator> generators = new ArrayList<>();
        Map<String, List<X509Certificate>> byCurve = new LinkedHashMap<>();
        for (X509Certificate certificate : recipients) {
            PublicKey key = certificate.getPublicKey();
            if (key.getAlgorithm().equals("RSA")) {
                generators.add(keyTransport(certificate));
            } else if (key instanceof ECPublicKey) {
                byCurve.computeIfAbsent(curveName((ECPublicKey) key), curve -> new ArrayList<>()).add(certificate);
            } else {
                throw new SmimeException("Cannot encrypt to " + describe(certificate) + ": its " + key.getAlgorithm()
                    + " key is neither RSA nor EC");
            }
        }
        for (List<X509Certificate> sameCurve : byCurve.values()) {
            generators.add(keyAgreement(sameCurve));
        }
        return generators;
    }

    /**
     * The recipient named by issuer and serial number, as {@code JceKeyTransRecipientInfoGenerator(X509Certificate)}
     * names it, taken from the JDK's certificate as it is: Bouncy Castle's constructor encodes the whole certificate and
     * parses it again for these two fields, for every recipient of every mail (31 KB of garbage per mail with two
     * recipients in the relay benchmark, issue 17). The issuer is the certificate's own DER, so the bytes written are
     * the same.
     */
    private RecipientInfoGenerator keyTransport(X509Certificate certificate) {
        IssuerAndSerialNumber recipient = new IssuerAndSerialNumber(
            X500Name.getInstance(certificate.getIssuerX500Principal().getEncoded()), certificate.getSerialNumber());
        JceAsymmetricKeyWrapper wrapper = options.keyTransport() == EncryptionOptions.KeyTransport.RSA_OAEP
            ? new JceAsymmetricKeyWrapper(RSA_OAEP_SHA256, certificate.getPublicKey())
            : new JceAsymmetricKeyWrapper(certificate.getPublicKey());
        return new IssuerSerialKeyTransport(recipient, wrapper);
    }

    /** Bouncy Castle's key transport recipient, named by an issuer and serial number we give it. */
    private static final class IssuerSerialKeyTransport extends KeyTransRecipientInfoGenerator {
        IssuerSerialKeyTransport(IssuerAndSerialNumber recipient, JceAsymmetricKeyWrapper wrapper) {
            super(recipient, wrapper);
        }
    }

    /** One ephemeral key per curve and message (RFC 5753 ephemeral-static ECDH), shared by that curve's recipients. */
    private static RecipientInfoGenerator keyAgreement(List<X509Certificate> sameCurve) throws SmimeException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", SmimeProviders.BOUNCY_CASTLE);
            generator.initialize(((ECPublicKey) sameCurve.get(0).getPublicKey()).getParams());
            KeyPair ephemeral = generator.generateKeyPair();
            JceKeyAgreeRecipientInfoGenerator agreement = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP);
            agreement.setProvider(SmimeProviders.BOUNCY_CASTLE);
            for (X509Certificate certificate : sameCurve) {
                agreement.addRecipient(certificate);
            }
            return agreement;
        } catch (GeneralSecurityException e) {
            throw new SmimeException("Cannot encrypt to " + describe(sameCurve.get(0)) + ": " + e.getMessage(), e);
        }
    }

    private static String curveName(ECPublicKey key) {
        return key.getParams().getCurve().toString() + key.getParams().getGenerator() + key.getParams().getOrder();
    }

    private static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + " (serial " + certificate.getSerialNumber().toString(16) + ")";
    }

    private static AlgorithmIdentifier oaepSha256() {
        try {
            return new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        } catch (java.security.InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("RSA-OAEP with SHA-256 is not available", e);
        }
    }
}
