package dev.tresor.keys.webadmin;

import static org.apache.james.webadmin.authentication.AuthenticationFilter.LOGIN;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.ENDPOINT;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.IP;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.LOGGER;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.METHOD;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.QUERY_PARAMETERS;
import static org.apache.james.webadmin.mdc.LoggingRequestFilter.REQUEST_ID;

import java.util.TreeSet;

import org.apache.james.util.MDCStructuredLogger;
import org.apache.james.webadmin.mdc.RequestId;
import org.apache.james.webadmin.mdc.RequestLogger;

import spark.HaltException;
import spark.Request;

/**
 * Logs requests to the key repository routes as James logs every WebAdmin request, except for the body: James's
 * default logger records it, and ours carry PKCS#12 files and passwords.
 */
public final class TresorRequestLogger implements RequestLogger {

    @Override
    public boolean applies(Request request) {
        return request.pathInfo().startsWith(KeyRepositoryRoutes.TENANTS);
    }

    @Override
    public void log(Request request, RequestId requestId) {
        MDCStructuredLogger.forLogger(LOGGER)
            .field(REQUEST_ID, requestId.asString())
            .field(IP, request.ip())
            .field(ENDPOINT, request.url())
            .field(METHOD, request.requestMethod())
            .field(LOGIN, request.attribute(LOGIN))
            .field(QUERY_PARAMETERS, queryParameterNames(request))
            .log(logger -> logger.info("WebAdmin request received: Tresor key repository (body not logged)"));
    }

    /** From the query string only: asking Spark would make Jetty parse (and consume) a form-encoded body. */
    private static String queryParameterNames(Request request) {
        try {
            return new TreeSet<>(RequestParameters.queryParameters(request).keySet()).toString();
        } catch (HaltException malformed) {
            return "(malformed query string)";
        }
    }
}
