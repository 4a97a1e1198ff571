// The start message of the embedded default: where to go, which accounts exist, and how to set up a device first.
import { DEMO_PASSWORD } from './routes/demo/demo-accounts.js';
import { enrolCommand, listedAccounts } from './routes/demo/listed-accounts.js';

/** The message printed after `npm start` (embedded default): links, the accounts (seed file or demo) and the enrol command. */
export async function welcomeText(issuer: string, seedAccountsFile: string | undefined): Promise<string> {
  const { seeded, accounts } = await listedAccounts(seedAccountsFile);
  const firstApp = accounts.find((a) => a.method !== 'sms' && a.roleKey.includes('ustomer'))?.loginId ?? accounts[0]?.loginId ?? '200001';
  const accountLines = seeded
    ? [
        `  Accounts from SEED_ACCOUNTS_FILE (${accounts.length}; passwords as in your file):`,
        ...accounts.map((a) => `    ${a.loginId} ${a.roleKey.replace('role.', '')}${a.name ? ` ${a.name}` : ''} (${a.method === 'sms' ? 'SMS code' : 'app'})`),
      ]
    : [
        '  Demo logins (password Demo-Passwort-2026 unless noted; smartMSC admits 1000xx, FinanceCloud and FinanceApp 2000xx):',
        '    100001 broker Maklerbüro Sommer · 100002 employee · 100003 sub-broker',
        '    200001 customer Erika Mustermann (interval 7 days) · 200002 customer without mobile number',
        '    200003 / 200004 share familie@example.de (200004: Demo-Passwort-2026-B) · 200005 SMS-only customer',
      ];
  const lines = [
    '',
    'financeIDENT IdP — embedded default (in-memory stores; nothing is kept after a restart)',
    `  Try a login:      ${issuer}/demo   (FinanceCloud, FinanceApp and smartMSC demo pages)`,
    `  My account:       ${issuer}/account`,
    `  Web app:          ${issuer}/ident/`,
    `  Broker area:      ${issuer}/broker${seeded ? '' : '   (100001 broker, 100002 employee without the mailing right, 100003 sub-broker)'}`,
    `  SMS inbox:        ${issuer}/dev/sms`,
    `  Mail inbox:       ${issuer}/dev/mail   (rollout mailings while SMTP_URL is unset)`,
    `  Discovery:        ${issuer}/.well-known/openid-configuration`,
    ...accountLines,
    '  App accounts first need a device. In a second terminal (reads the activation code from the SMS inbox):',
    `    ${enrolCommand(firstApp, seeded ? undefined : DEMO_PASSWORD)}`,
    '  then approve a waiting sign-in with: npm run ident -- approve --number <number shown>',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
