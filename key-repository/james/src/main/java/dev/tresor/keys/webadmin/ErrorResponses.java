package dev.tresor.keys.webadmin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.eclipse.jetty.http.HttpStatus;

import spark.HaltException;

/** The ways a Tresor route refuses a request, in James's error format. Messages never carry key material. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static HaltException badRequest(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .type(ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
    }

    /** The request is well-formed but contradicts the current state (e.g. a domain another tenant owns). */
    static HaltException conflict(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.CONFLICT_409)
            .type(ErrorType.WRONG_STATE)
            .message(message)
            .haltError();
    }

    static HaltException notFound(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .type(ErrorType.NOT_FOUND)
            .message(message)
            .haltError();
    }
}
