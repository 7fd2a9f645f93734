package io.userstream.ingest.fetch;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which personal data a source's users keep on their way into Kafka. Nothing downstream uses the national
 * identifier (it is neither stored nor served), so by default it is dropped here, before it reaches a topic,
 * a dead letter or a log.
 *
 * @param keepNationalId publish the source's national identifier ({@code nationalId}) instead of null
 */
@ConfigurationProperties("ingest.personal-data")
public record PersonalDataProperties(@DefaultValue("false") boolean keepNationalId) {
}
