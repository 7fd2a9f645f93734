package io.userstream.ingest.api;

import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestHeader;
import io.userstream.ingest.run.IdempotencyKeyReusedException;
import io.userstream.ingest.run.RunNotFoundException;
import io.userstream.ingest.run.UnsupportedNationalitiesException;
import io.userstream.ingest.run.RunNotResumableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodParameter;
import io.userstream.ingest.ledger.LedgerRetry;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DatabindException;

/**
 * The one mapping of errors to RFC 9457 problem details ({@code application/problem+json}). A 400
 * names the offending field or parameter in {@code detail} and lists them in {@code errors}.
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler
    ProblemDetail runNotFound(RunNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Run not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail runNotResumable(RunNotResumableException e) {
        return problem(HttpStatus.CONFLICT, "Run not resumable", e.getMessage());
    }

    /** A nationality no source serves: named, with the ones that are (randomuser.me would send others). */
    @ExceptionHandler
    ProblemDetail unsupportedNationalities(UnsupportedNationalitiesException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", "nationalities");
        error.put("message", "not supported: " + String.join(", ", e.unsupported()));
        error.put("rejectedValue", e.unsupported());
        problem.setProperty("errors", List.of(error));
        problem.setProperty("supported", e.supported());
        return problem;
    }

    /**
     * PostgreSQL unreachable (e.g. restarting; a pooled connection may fail once after): 503, which
     * clients such as the DAG retry. Any other database failure is a 500.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ProblemDetail ledgerFailure(Exception e) {
        if (LedgerRetry.isOutage(e)) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "Ledger unavailable",
                    "The run ledger (PostgreSQL) is unavailable; try again: " + e.getMessage());
        }
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Ledger failure", "The run ledger failed; see the service's log");
    }

    /** IETF Idempotency-Key draft: a key reused for a different request is 422. */
    @ExceptionHandler
    ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage());
        problem.setProperty("idempotencyKey", e.idempotencyKey());
        problem.setProperty("runId", e.runId());
        return problem;
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException e, HttpHeaders headers,
                                                                          HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (FieldError field : e.getFieldErrors()) {
            errors.add(fieldError(field));
        }
        String detail = errors.isEmpty() ? "Invalid request body" : String.join("; ", errors.stream()
                .map(error -> error.get("field") + " " + error.get("message")).toList());
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        problem.setProperty("errors", errors);
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                                  ServerWebExchange exchange) {
        List<Map<String, Object>> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            if (result instanceof ParameterErrors bodyErrors) {
                // @Valid @RequestBody checked together with the other parameters: name the body's fields.
                bodyErrors.getFieldErrors().forEach(field -> errors.add(fieldError(field)));
                return;
            }
            result.getResolvableErrors().forEach(error -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("parameter", parameterName(result.getMethodParameter()));
                entry.put("message", error.getDefaultMessage());
                entry.put("rejectedValue", result.getArgument());
                errors.add(entry);
            });
        });
        String detail = String.join("; ", errors.stream().map(error -> (error.containsKey("field") ? error.get("field")
                : error.get("parameter")) + " " + error.get("message")).toList());
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        problem.setProperty("errors", errors);
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    /** Unreadable JSON, a value of the wrong type (e.g. "count": "many") or a malformed path/query parameter. */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException e, HttpHeaders headers,
                                                                         HttpStatusCode status, ServerWebExchange exchange) {
        String field = null;
        String kind = "field";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
                field = fieldPath(databind);
                break;
            }
        }
        if (field == null && e.getMethodParameter() != null) {
            field = parameterName(e.getMethodParameter());
            kind = "parameter";
        }
        String detail = field == null ? "Malformed request: " + e.getReason()
                : field + " has an invalid value or type";
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        if (field != null) {
            problem.setProperty("errors", List.of(Map.of(kind, field, "message", "invalid value or type")));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    private static Map<String, Object> fieldError(FieldError field) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field.getField());
        error.put("message", field.getDefaultMessage());
        error.put("rejectedValue", field.getRejectedValue());
        return error;
    }

    private static String fieldPath(DatabindException e) {
        StringBuilder path = new StringBuilder();
        e.getPath().forEach(reference -> {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        });
        return path.toString();
    }

    private static String parameterName(MethodParameter parameter) {
        var header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        var query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !query.name().isEmpty()) {
            return query.name();
        }
        String name = parameter.getParameterName();
        return name != null ? name : "argument " + parameter.getParameterIndex();
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
