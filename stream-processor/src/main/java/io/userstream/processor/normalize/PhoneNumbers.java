package io.userstream.processor.normalize;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** Phone numbers to E.164 with libphonenumber, read in the user's country; the raw text when that fails. */
public final class PhoneNumbers {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * @param raw    the number as the source wrote it, e.g. {@code (272) 790-0888}
     * @param region ISO 3166-1 alpha-2 code of the user's country, used for numbers without a {@code +} prefix
     * @return E.164 form such as {@code +12727900888}, or {@code raw} unchanged when it is not a possible number there
     */
    public static String toE164(String raw, String region) {
        try {
            PhoneNumber number = PHONES.parse(withoutSeparators(raw), region);
            return PHONES.isPossibleNumber(number) ? PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : raw;
        } catch (NumberParseException e) {
            return raw;
        }
    }

    /**
     * Only the digits of a national number written with blanks, hyphens, dots and parentheses; anything else
     * (a '+', letters, an extension) unchanged. libphonenumber drops these separators itself, but its
     * regular expressions spent a quarter of the processor's time on them (bench/stream-processor-throughput.sh).
     */
    static String withoutSeparators(String raw) {
        StringBuilder digits = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
                return raw;
            }
        }
        return digits.toString();
    }
}
