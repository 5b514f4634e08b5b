import { sharedDb } from "@/monitors/queries/shared-db";
import { ackLinkState } from "@/monitors/admin/ack-link";

export const dynamic = "force-dynamic";
export const metadata = { title: "Acknowledge · OpenRegistry status", robots: { index: false } };

export default async function AckLink({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ m?: string }>;
}) {
  const { token } = await params;
  const { m } = await searchParams;
  const s = await ackLinkState(await sharedDb(), token);
  return (
    <section className="ack">
      <h1>Acknowledge incident</h1>
      {/* ?m=ok is only a hint from the redirect; the link's own state decides what is true. */}
      {m === "ok" && s.state === "used" && <p role="status">Acknowledged. Reminders for this incident have stopped.</p>}
      {s.state === "invalid" && <p>This link is not valid.</p>}
      {s.state === "expired" && <p>This link has expired. Sign in to acknowledge from the maintainers&apos; page.</p>}
      {s.state === "used" && m !== "ok" && (
        <p>
          This link was used at {s.usedAt.toISOString().replace("T", " ").slice(0, 16)} UTC for “{s.title}”.
        </p>
      )}
      {s.state === "ready" && (
        <>
          <p>
            “{s.title}” is {s.status}
            {s.acknowledged ? ", and already acknowledged." : s.resolved ? ", already resolved." : "."}
          </p>
          {/* A button, not the link itself: chat apps and mail scanners open links on their own. */}
          <form method="post" action={`/ack/${encodeURIComponent(token)}/confirm`}>
            <button type="submit">Acknowledge</button>
          </form>
        </>
      )}
      <p>
        <a href="/admin">Maintainers&apos; page</a>
      </p>
    </section>
  );
}
