import { CountryNotAllowed } from '../common/domain-error';
import { NotifyCatalog } from './notify-catalog';
import { parsePhoneNumber, PhoneNumber } from '../core/phone-number';

/**
 * Where we may send: a valid number in an allowed country. The list is ALLOWED_COUNTRIES, else the Notify
 * configuration's EnabledCountries, so that we refuse before Notify is called (and before a message costs money).
 * A configuration that states no EnabledCountries (the member is optional) restricts nothing on our side: Notify
 * then refuses a country itself, which maps to the same 422. BLOCKED_COUNTRIES wins over both.
 */
export class DestinationPolicy {
  constructor(
    private readonly catalog: NotifyCatalog,
    private readonly allowedCountries: string[] | undefined,
    private readonly blockedCountries: string[] = [],
  ) {}

  async resolve(to: string): Promise<PhoneNumber> {
    const phone = parsePhoneNumber(to);
    if (this.blockedCountries.includes(phone.country)) throw new CountryNotAllowed(phone.country);
    const allowed =
      this.allowedCountries ?? (await this.catalog.describeConfigurationOrFail()).enabledCountries;
    if (allowed !== undefined && !allowed.includes(phone.country)) throw new CountryNotAllowed(phone.country);
    return phone;
  }
}
