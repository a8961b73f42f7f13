/**
 * The contract between Tresor's matchers, mailets, SMTP hooks and the distribution: every mail attribute named
 * {@code tresor.*} and every header named {@code X-Tresor-*}, each with its value format, the code that writes it and
 * the code that reads it (DESIGN.md, "Mail attributes and headers").
 *
 * <p>Look here first when a step of a chain must tell a later one something: add the name and its format to the class
 * of its family (or a new class), never as a string literal in a mailet. Attributes cannot come from outside, since they
 * never travel with a mail over SMTP; headers can, so {@code StripTresorHeaders} removes every {@link TresorHeaders}
 * header at ingress and only the chain writes them afterwards.
 *
 * <table>
 *   <caption>Attributes and headers, by family</caption>
 *   <tr><th>Name</th><th>Value</th><th>Class</th></tr>
 *   <tr><td>{@code tresor.tenant}</td><td>tenant id (text)</td><td>{@link TenantAttribute}</td></tr>
 *   <tr><td>{@code tresor.failure.reason}</td><td>a sentence for the admin</td><td>{@link FailureReason}</td></tr>
 *   <tr><td>{@code tresor.protection.applied}, {@code X-Tresor-Protection}</td><td>list of {@code smime-signed},
 *       {@code smime-encrypted}, {@code pgp-signed}, {@code pgp-encrypted}, {@code pdf}; header {@code pdf}</td>
 *       <td>{@link AppliedProtections}</td></tr>
 *   <tr><td>{@code tresor.pdf.password}</td><td>{@code pre-shared} or {@code generated}</td><td>{@link PdfPassword}</td></tr>
 *   <tr><td>{@code tresor.smime.signature}, {@code X-Tresor-Signature}</td><td>verdict map; verdict header</td>
 *       <td>{@link SmimeSignature}</td></tr>
 *   <tr><td>{@code tresor.pgp.signature}, {@code X-Tresor-Pgp-Signature}</td><td>verdict map; verdict header</td>
 *       <td>{@link PgpSignature}</td></tr>
 *   <tr><td>{@code tresor.smime.decryption}, {@code tresor.pgp.decryption}, {@code X-Tresor-Decryption}</td>
 *       <td>{@code decrypted} or {@code not decrypted: <reason>}; header {@code decrypted ...} or
 *       {@code failed; reason="..."}</td><td>{@link DecryptionOutcome}</td></tr>
 *   <tr><td>{@code tresor.smime.harvest}</td><td>{@code pending-approval}</td><td>{@link CertificateHarvest}</td></tr>
 *   <tr><td>{@code tresor.pgp.autocrypt}</td><td>{@code harvested <fingerprint>}, {@code known <fingerprint>} or
 *       {@code refused: <reason>}</td><td>{@link AutocryptOutcome}</td></tr>
 *   <tr><td>{@code tresor.tls.inbound}, {@code X-Tresor-Inbound-TLS}</td><td>map of {@code protocol} and
 *       {@code cipher}; header {@code yes}</td><td>{@link InboundTls}</td></tr>
 *   <tr><td>{@code tresor.tls.required}</td><td>{@code true} (RFC 8689 REQUIRETLS)</td><td>{@link RequireTlsOption}</td></tr>
 *   <tr><td>{@code tresor.tls.attempts}, {@code tresor.tls.next-attempt}</td><td>attempts so far (integer); next
 *       attempt (ISO-8601 instant)</td><td>{@link DeliveryAttempts}</td></tr>
 * </table>
 */
package dev.tresor.attributes;
