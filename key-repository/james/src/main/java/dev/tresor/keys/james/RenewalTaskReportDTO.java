package dev.tresor.keys.james;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The renewal job's {@link RenewalTask.Report} as JSON, the {@code additionalInformation} of {@code GET /tasks/{id}}:
 * <pre>
 * {"type": "tresor-key-renewal", "tenant": "acme" (only when limited to one),
 *  "renewed": [{"tenant", "kind", "address", "superseded", "replacement"}],
 *  "failures": [{"tenant", "reason"}],
 *  "expiring": [{"tenant", "kind", "fingerprint", "addresses", "origin", "notAfter"}],
 *  "timestamp": "..."}
 * </pre>
 */
public final class RenewalTaskReportDTO implements AdditionalInformationDTO {

    public static AdditionalInformationDTOModule<RenewalTask.Report, RenewalTaskReportDTO> module() {
        return DTOModule.forDomainObject(RenewalTask.Report.class)
            .convertToDTO(RenewalTaskReportDTO.class)
            .toDomainObjectConverter(dto -> new RenewalTask.Report(Optional.ofNullable(dto.tenant),
                List.copyOf(dto.renewed), List.copyOf(dto.failures), List.copyOf(dto.expiring), dto.timestamp))
            .toDTOConverter((report, type) -> new RenewalTaskReportDTO(type, report.tenant().orElse(null),
                report.renewed(), report.failures(), report.expiring(), report.timestamp()))
            .typeName(RenewalTask.TYPE.asString())
            .withFactory(AdditionalInformationDTOModule::new);
    }

    private final String type;
    private final String tenant;
    private final List<Map<String, String>> renewed;
    private final List<Map<String, String>> failures;
    private final List<Map<String, String>> expiring;
    private final Instant timestamp;

    public RenewalTaskReportDTO(@JsonProperty("type") String type,
                                @JsonProperty("tenant") String tenant,
                                @JsonProperty("renewed") List<Map<String, String>> renewed,
                                @JsonProperty("failures") List<Map<String, String>> failures,
                                @JsonProperty("expiring") List<Map<String, String>> expiring,
                                @JsonProperty("timestamp") Instant timestamp) {
        this.type = type;
        this.tenant = tenant;
        this.renewed = renewed == null ? List.of() : renewed;
        this.failures = failures == null ? List.of() : failures;
        this.expiring = expiring == null ? List.of() : expiring;
        this.timestamp = timestamp;
    }

    @Override
    public String getType() {
        return type;
    }

    public Optional<String> getTenant() {
        return Optional.ofNullable(tenant);
    }

    public List<Map<String, String>> getRenewed() {
        return renewed;
    }

    public List<Map<String, String>> getFailures() {
        return failures;
    }

    public List<Map<String, String>> getExpiring() {
        return expiring;
    }

    public Instant getTimestamp() {
        return timestamp;
    }
}
