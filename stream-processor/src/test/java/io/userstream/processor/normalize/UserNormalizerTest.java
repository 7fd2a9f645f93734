package io.userstream.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text rules of normalization. */
class UserNormalizerTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "  jean-luc   o'NEIL |Jean-Luc O'Neil",
            "MONSIEUR|Monsieur",
            "ärne|Ärne",
            "anna maria|Anna Maria"})
    void namesAreTrimmedCollapsedAndCapitalizedPerPart(String raw, String expected) {
        assertThat(UserNormalizer.capitalized(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource({
            "(272) 790-0888, US, +12727900888",
            "03-456-789, FI, +3583456789",
            "+49 30 1234567, FI, +49301234567",
            "0151-1234567, DE, +491511234567",
            "call me, US, call me",
            "1, DE, 1"})
    void phonesBecomeE164InTheUsersCountryOrStayRaw(String raw, String region, String expected) {
        assertThat(PhoneNumbers.toE164(raw, region)).isEqualTo(expected);
    }

    @Test
    void ageIsWholeYearsOnTheProcessingDate() {
        Instant born = Instant.parse("1968-02-05T03:58:11Z");

        assertThat(UserNormalizer.ageOn(born, Instant.parse("2026-02-04T23:59:59Z"))).isEqualTo(57);
        assertThat(UserNormalizer.ageOn(born, Instant.parse("2026-02-05T00:00:00Z"))).isEqualTo(58);
    }
}
