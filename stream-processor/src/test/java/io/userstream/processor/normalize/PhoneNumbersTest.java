package io.userstream.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import net.datafaker.Faker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dropping separators before parsing must not change any result of libphonenumber. */
class PhoneNumbersTest {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "fi-FI", "de-DE", "fr-FR", "en-GB", "en-AU", "pt-BR", "es-ES", "nl-NL", "de-CH",
            "da-DK", "nb-NO", "en-IE", "en-IN", "es-MX", "en-NZ", "tr-TR", "uk-UA", "fa-IR", "en-CA"})
    void fakeNumbersOfEachLocaleGiveWhatLibphonenumberGivesForTheRawText(String languageTag) {
        Locale locale = Locale.forLanguageTag(languageTag);
        Faker faker = new Faker(locale, new java.util.Random(42));
        for (int i = 0; i < 300; i++) {
            String raw = i % 2 == 0 ? faker.phoneNumber().phoneNumber() : faker.phoneNumber().cellPhone();
            assertThat(PhoneNumbers.toE164(raw, locale.getCountry()))
                    .as("%s in %s", raw, locale.getCountry())
                    .isEqualTo(libphonenumberOnRawText(raw, locale.getCountry()));
        }
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "(272) 790-0888|2727900888",
            "03.456.789|03456789",
            "+49 30 1234567|+49 30 1234567",
            "1-800-FLOWERS|1-800-FLOWERS",
            "030 123 ext. 4|030 123 ext. 4"})
    void onlySeparatorsAreDropped(String raw, String expected) {
        assertThat(PhoneNumbers.withoutSeparators(raw)).isEqualTo(expected);
    }

    private static String libphonenumberOnRawText(String raw, String region) {
        try {
            PhoneNumber number = PHONES.parse(raw, region);
            return PHONES.isPossibleNumber(number) ? PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : raw;
        } catch (NumberParseException e) {
            return raw;
        }
    }
}
