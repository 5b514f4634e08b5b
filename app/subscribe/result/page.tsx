export const dynamic = "force-dynamic";
export const metadata = { title: "Subscription · OpenRegistry status", robots: { index: false } };

const TEXT: Record<string, string> = {
  confirmed: "Subscribed. You will get an email when an incident or maintenance affects what you chose.",
  unsubscribed: "Unsubscribed. You will get no more emails from this status page.",
  invalid: "This link is not valid, has expired or was already used.",
};

export default async function SubscriptionResult({ searchParams }: { searchParams: Promise<{ r?: string | string[] }> }) {
  const { r } = await searchParams;
  const key = typeof r === "string" && Object.hasOwn(TEXT, r) ? r : "invalid";
  return (
    <section className="ack">
      <h1>Subscription</h1>
      <p role="status" data-testid="subscription-result">
        {TEXT[key]}
      </p>
      <p>
        <a href="/">Back to the status page</a>
      </p>
    </section>
  );
}
