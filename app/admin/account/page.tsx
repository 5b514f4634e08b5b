import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { CommandForm } from "../_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { accountTwoFactor } from "@/monitors/queries/account-two-factor";
import { qrCodeDataUrl } from "@/monitors/presentation/qr-code";
import { ACCOUNT_PAGE } from "@/monitors/admin/two-factor-commands";
import { mustEnrolSecondFactor } from "@/monitors/auth/second-factor";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your account · OpenRegistry status", robots: { index: false } };

const codeField = { kind: "text", name: "code", label: "Code from your app (or a recovery code)", autoComplete: "one-time-code" } as const;

export default async function Account() {
  const user = await requireUser(ACCOUNT_PAGE);
  const twoFactor = await accountTwoFactor(await sharedDb(), user.id);
  return (
    <>
      <AdminNav user={user} />
      <h2>Your account</h2>
      <section aria-labelledby="two-factor-h" data-testid="two-factor" data-state={twoFactor.state}>
        <h3 id="two-factor-h">Two-factor authentication</h3>
        {mustEnrolSecondFactor(user) && (
          <p className="form-error" role="alert">
            Admins must use two-factor authentication here. Set it up to use the rest of the maintainers' area.
          </p>
        )}
        {twoFactor.state === "off" && (
          <>
            <p>Off. With it on, signing in also asks for a 6-digit code from an authenticator app on your phone.</p>
            <CommandForm action="account.2fa.begin" fields={[]} submit="Set up two-factor authentication" />
          </>
        )}
        {twoFactor.state === "pending" && (
          <>
            <p>Scan this code with your authenticator app, or type the key into it. Then enter the code the app shows.</p>
            {/* biome-ignore lint/performance/noImgElement: a data: URL made per request; next/image has nothing to optimise */}
            <img
              src={await qrCodeDataUrl(twoFactor.uri)}
              alt="QR code of the two-factor key"
              width={200}
              height={200}
              data-testid="totp-qr"
            />
            <p>
              Key: <code data-testid="totp-secret">{twoFactor.secret}</code>
            </p>
            <CommandForm
              action="account.2fa.confirm"
              fields={[{ ...codeField, label: "Code from your app" }]}
              submit="Turn on"
              keepMessage
            />
          </>
        )}
        {twoFactor.state === "on" && (
          <>
            <p>On. Recovery codes left: {twoFactor.recoveryCodesLeft}.</p>
            <CommandForm action="account.2fa.disable" fields={[codeField]} submit="Turn off two-factor authentication" danger />
          </>
        )}
      </section>
    </>
  );
}
