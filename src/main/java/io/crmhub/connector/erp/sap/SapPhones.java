package io.crmhub.connector.erp.sap;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** SAP keeps a phone's national number and its country separately; type 3 is a mobile number. */
final class SapPhones {
    private SapPhones() {
    }

    static SapBusinessPartner.Phone mobile(String e164) {
        try {
            PhoneNumberUtil util = PhoneNumberUtil.getInstance();
            PhoneNumber number = util.parse(e164, null);
            return new SapBusinessPartner.Phone(util.getRegionCodeForNumber(number), String.valueOf(number.getNationalNumber()), "3", true);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("customer phone is not E.164", e);
        }
    }

    /** The E.164 form of a number SAP holds as country + national number, or null. */
    static String e164(String country, String national) {
        if (national == null || national.isBlank()) {
            return null;
        }
        try {
            PhoneNumberUtil util = PhoneNumberUtil.getInstance();
            return util.format(util.parse(national, country == null || country.isBlank() ? "ZZ" : country), PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return national;
        }
    }
}
