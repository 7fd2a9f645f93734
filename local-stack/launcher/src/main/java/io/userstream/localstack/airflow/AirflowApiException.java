package io.userstream.localstack.airflow;

/** Airflow's REST API refused a request, answered something unexpected, or a wait ran out; the message is for a person. */
public sealed class AirflowApiException extends RuntimeException permits AirflowUnavailableException {

    AirflowApiException(String message) {
        super(message);
    }

    AirflowApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
