package io.userstream.localstack;

/** The Airflow UI's and REST API's admin login; {@link #toString()} is {@code "admin / <password>"}, as printed by {@code ./pipeline up}. */
public record AirflowLogin(String username, String password) {

    @Override
    public String toString() {
        return username + " / " + password;
    }
}
