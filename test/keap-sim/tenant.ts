import { ContactStore } from './contacts';
import { EmailStatusBook } from './emailStatus';

/** One Keap account (e.g. xy123 at xy123.infusionsoft.com): its data is seen by its own credentials only. */
export class Tenant {
  readonly contacts = new ContactStore();
  readonly emails = new EmailStatusBook();
  readonly user: TenantUser;

  constructor(
    readonly name: string,
    userId: number,
  ) {
    this.user = {
      id: userId,
      email: `owner@${name}.example.com`,
      givenName: 'Account',
      familyName: 'Owner',
    };
  }
}

export interface TenantUser {
  id: number;
  email: string;
  givenName: string;
  familyName: string;
}
