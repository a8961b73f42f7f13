package dev.tresor.keys.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.BERSet;
import org.bouncycastle.asn1.DLSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;

/**
 * Reading and writing X.509 certificates in the forms admins and other tools exchange them: PEM, DER and PKCS#7
 * "certs-only" bundles ({@code .p7b}, {@code .p7c}).
 */
public final class Certificates {
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final Set<String> CERTIFICATE_TYPES = Set.of(CERTIFICATE, "X509 CERTIFICATE");
    private static final Set<String> PKCS7_TYPES = Set.of("PKCS7", "CMS");

    private Certificates() {
    }

    /**
     * Reads every certificate of the input, in input order. Accepted: PEM with one or more {@code CERTIFICATE} blocks
     * (also {@code PKCS7} or {@code CMS} blocks, text between blocks is ignored, blocks of other types such as keys are
     * skipped), a single DER certificate, or a DER/BER PKCS#7 (CMS) signed-data whose certificates are returned.
     *
     * @throws KeyMaterialException when the input is empty, is none of those forms, or any part of it is corrupt; never
     *                              returns a partial list
     */
    public static List<X509Certificate> read(byte[] input) throws KeyMaterialException {
        if (input == null || isBlank(input)) {
            throw new KeyMaterialException("empty input");
        }
        if (Pem.isPem(input)) {
            return readPem(input);
        }
        if (!Der.startsLikeDer(input)) {
            throw new KeyMaterialException("not a certificate: the input is neither PEM (no -----BEGIN line) nor DER"
                + " (which starts with an ASN.1 SEQUENCE)");
        }
        return readDer(input, "DER input");
    }

    /** The certificates as concatenated PEM {@code CERTIFICATE} blocks, in list order. */
    public static byte[] toPem(List<X509Certificate> certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : nonEmpty(certificates)) {
            pem.append(Pem.encode(CERTIFICATE, encoded(certificate)));
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The certificates as a PKCS#7 certs-only bundle: a CMS signed-data without content or signers, DER-encoded except
     * that the certificates keep list order instead of DER's sorted SET order, because readers (OpenSSL, Windows, us)
     * present them in stored order and a chain should read end-entity first. OpenSSL writes the same.
     */
    public static byte[] toPkcs7(List<X509Certificate> certificates) {
        ASN1EncodableVector certs = new ASN1EncodableVector();
        for (X509Certificate certificate : nonEmpty(certificates)) {
            certs.add(org.bouncycastle.asn1.x509.Certificate.getInstance(encoded(certificate)));
        }
        // A BERSet, not a DLSet: Bouncy Castle writes any other certificate set as DER, which sorts it (found by
        // CertificatesFuzzTest: a chain whose issuer's encoding sorts first came back issuer first).
        SignedData certsOnly = new SignedData(new DLSet(), new ContentInfo(CMSObjectIdentifiers.data, null),
            new BERSet(certs), null, new DLSet());
        try {
            return new ContentInfo(CMSObjectIdentifiers.signedData, certsOnly).getEncoded(ASN1Encoding.DL);
        } catch (IOException e) {
            throw new IllegalStateException("Encoding to memory cannot fail", e);
        }
    }

    /**
     * Parses one DER certificate with the JDK, keeping its exact encoding (so its fingerprint is the issuer's).
     *
     * @param what how messages name the certificate, e.g. {@code CERTIFICATE block 2 (line 14)}
     */
    static X509Certificate certificate(byte[] der, String what) throws KeyMaterialException {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new KeyMaterialException(what + " is not a valid X.509 certificate: " + rootMessage(e), e);
        }
        try {
            // The S/MIME engines and the PKCS#7 export read certificates with Bouncy Castle, which is stricter than the
            // JDK (CertificatesFuzzTest: extensions as a SET pass the JDK's parser, not Bouncy Castle's). Refuse such a
            // certificate here, in words, rather than fail later on every mail that would use it.
            org.bouncycastle.asn1.x509.Certificate.getInstance(certificate.getEncoded());
        } catch (CertificateEncodingException | RuntimeException e) {
            throw new KeyMaterialException(what + " is not a valid X.509 certificate: its structure is not the one"
                + " RFC 5280 requires", e);
        }
        return certificate;
    }

    private static List<X509Certificate> readPem(byte[] input) throws KeyMaterialException {
        List<X509Certificate> certificates = new ArrayList<>();
        Set<String> otherTypes = new LinkedHashSet<>();
        for (Pem.Block block : Pem.parse(input)) {
            if (CERTIFICATE_TYPES.contains(block.type())) {
                byte[] der = block.content();
                Der.parse(der, block.describe()); // says how a broken DER is broken; the JDK's message does not

                certificates.add(certificate(der, block.describe()));
            } else if (PKCS7_TYPES.contains(block.type())) {
                certificates.addAll(pkcs7Certificates(Der.parse(block.content(), block.describe()), block.describe()));
            } else {
                otherTypes.add(block.type());
            }
        }
        if (certificates.isEmpty()) {
            throw new KeyMaterialException("no certificate in the PEM input: it has no CERTIFICATE, PKCS7 or CMS block"
                + (otherTypes.isEmpty() ? "" : " (found: " + String.join(", ", otherTypes) + ")"));
        }
        return Collections.unmodifiableList(certificates);
    }

    private static List<X509Certificate> readDer(byte[] input, String what) throws KeyMaterialException {
        ASN1Primitive der = Der.parse(input, what);
        if (isContentInfo(der)) {
            return Collections.unmodifiableList(pkcs7Certificates(der, what));
        }
        if (isPkcs12(der)) {
            throw new KeyMaterialException("not a certificate: the input is a PKCS#12 file (.p12/.pfx); import it as a"
                + " private key with its password");
        }
        return List.of(certificate(input, what));
    }

    private static List<X509Certificate> pkcs7Certificates(ASN1Primitive der, String what) throws KeyMaterialException {
        ContentInfo contentInfo;
        SignedData signedData;
        try {
            contentInfo = ContentInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyMaterialException(what + " is not a PKCS#7/CMS structure: " + rootMessage(e), e);
        }
        if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
            throw new KeyMaterialException(what + " is a PKCS#7 " + contentTypeName(contentInfo.getContentType())
                + ", not a signed-data: it cannot carry certificates");
        }
        try {
            signedData = SignedData.getInstance(contentInfo.getContent());
        } catch (RuntimeException e) {
            throw new KeyMaterialException("corrupt PKCS#7 signed-data in " + what + ": " + rootMessage(e), e);
        }
        ASN1Set certificateSet = signedData.getCertificates();
        List<X509Certificate> certificates = new ArrayList<>();
        if (certificateSet != null) {
            int number = 0;
            for (ASN1Encodable element : certificateSet) {
                number++;
                // The other CertificateChoices (attribute and "other" certificates) are tagged; only plain ones count.
                if (element instanceof ASN1Sequence) {
                    certificates.add(certificate(dl(element), "certificate " + number + " of " + what));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new KeyMaterialException(what + " is a PKCS#7 signed-data without any certificate");
        }
        return certificates;
    }

    /** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }; a certificate starts with a SEQUENCE. */
    private static boolean isContentInfo(ASN1Primitive der) {
        return der instanceof ASN1Sequence && ((ASN1Sequence) der).size() > 0
            && ((ASN1Sequence) der).getObjectAt(0) instanceof ASN1ObjectIdentifier;
    }

    /** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL }. */
    private static boolean isPkcs12(ASN1Primitive der) {
        if (!(der instanceof ASN1Sequence) || ((ASN1Sequence) der).size() < 2) {
            return false;
        }
        ASN1Encodable version = ((ASN1Sequence) der).getObjectAt(0);
        return version instanceof ASN1Integer && ((ASN1Integer) version).hasValue(3)
            && isContentInfo(((ASN1Sequence) der).getObjectAt(1).toASN1Primitive());
    }

    private static String contentTypeName(ASN1ObjectIdentifier type) {
        if (CMSObjectIdentifiers.envelopedData.equals(type)) {
            return "enveloped-data (an encrypted message)";
        }
        if (CMSObjectIdentifiers.data.equals(type)) {
            return "data";
        }
        if (CMSObjectIdentifiers.encryptedData.equals(type)) {
            return "encrypted-data";
        }
        return "content of type " + type.getId();
    }

    /** Definite-length encoding that keeps the parsed element order, so an embedded certificate keeps its bytes. */
    private static byte[] dl(ASN1Encodable element) throws KeyMaterialException {
        try {
            return element.toASN1Primitive().getEncoded(ASN1Encoding.DL);
        } catch (IOException e) {
            throw new KeyMaterialException("corrupt certificate inside PKCS#7: " + rootMessage(e), e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> nonEmpty(List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("No certificate to export");
        }
        return certificates;
    }

    private static boolean isBlank(byte[] input) {
        for (byte b : input) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * What a parser's failure says about the input, for a message to the admin who supplied it. Bouncy Castle reports
     * some structures it does not expect (an empty SEQUENCE where a PFX belongs, say) by failing inside, with an index
     * out of bounds, a null or a cast that does not hold: their messages describe the parser, not the input, and are
     * replaced by what they mean for the input.
     */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getMessage() == null || root instanceof IndexOutOfBoundsException || root instanceof NullPointerException
                || root instanceof ClassCastException || root instanceof ArithmeticException
                || root instanceof NegativeArraySizeException || root instanceof ArrayStoreException) {
            return "its ASN.1 structure is not the one the format requires";
        }
        return root.getMessage();
    }
}
