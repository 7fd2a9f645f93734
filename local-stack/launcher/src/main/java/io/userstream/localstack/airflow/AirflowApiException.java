package io.userstream.localstack.airflow;

/** Airflow's REST API refused a request, answered something unexpected, or a wait ran out; the message is for a person. */
public final class AirflowApiException extends RuntimeException {

    AirflowApiException(String message) {
        super(message);
    }

    AirflowApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
