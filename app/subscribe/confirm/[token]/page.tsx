export const dynamic = "force-dynamic";
export const metadata = { title: "Confirm subscription · OpenRegistry status", robots: { index: false } };

export default async function ConfirmSubscription({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <section className="ack">
      <h1>Confirm your subscription</h1>
      <p>Get an email when an incident or maintenance affects the components you chose.</p>
      <form method="post" action={`/subscribe/confirm/${encodeURIComponent(token)}/submit`}>
        <button type="submit">Confirm</button>
      </form>
    </section>
  );
}
