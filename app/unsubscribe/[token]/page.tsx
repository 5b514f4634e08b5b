export const dynamic = "force-dynamic";
export const metadata = { title: "Unsubscribe · OpenRegistry status", robots: { index: false } };

export default async function Unsubscribe({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <section className="ack">
      <h1>Unsubscribe</h1>
      <p>Stop all emails from this status page to your address?</p>
      <form method="post" action={`/api/unsubscribe/${encodeURIComponent(token)}`}>
        <button type="submit">Unsubscribe</button>
      </form>
    </section>
  );
}
