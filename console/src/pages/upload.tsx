/**
 * The upload box: drop PDFs on it or pick them with the file input; each is
 * sent through the caller's upload (a presigned PUT) and its outcome said.
 */
import { useState } from 'preact/hooks';

interface Sent {
  name: string;
  outcome: 'sending' | 'sent' | 'failed';
  detail?: string;
}

export const UploadBox = ({ upload }: { upload: (file: File) => Promise<void> }) => {
  const [over, setOver] = useState(false);
  const [sent, setSent] = useState<Sent[]>([]);
  const send = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setSent((list) => [...list, { name: file.name, outcome: 'sending' }]);
      const mark = (entry: Sent) =>
        setSent((list) => list.map((s) => (s.name === file.name ? entry : s)));
      try {
        await upload(file);
        mark({ name: file.name, outcome: 'sent' });
      } catch (error) {
        mark({
          name: file.name,
          outcome: 'failed',
          detail: error instanceof Error ? error.message : 'failed',
        });
      }
    }
  };
  return (
    <section
      aria-label="Upload PDFs"
      class={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void send(e.dataTransfer?.files ?? null);
      }}
    >
      <label>
        Drop PDFs here, or choose files:{' '}
        <input
          type="file"
          accept="application/pdf,.pdf"
          multiple
          onChange={(e) => void send(e.currentTarget.files)}
        />
      </label>
      {sent.length > 0 && (
        <ul class="sent" aria-live="polite">
          {sent.map((s) => (
            <li key={s.name}>
              {s.name}:{' '}
              {s.outcome === 'sending'
                ? 'uploading…'
                : s.outcome === 'sent'
                  ? 'uploaded, processing'
                  : `not uploaded (${s.detail})`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
