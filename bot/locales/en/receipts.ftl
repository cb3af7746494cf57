## The payment receipt: a photo or a file (a PDF, a picture sent as a file) — issue 20.

## The buyer: the receipt step
receipts-ask = Send a photo or screenshot of the receipt (up to { $limit } MB) or the receipt file, a PDF or a picture (up to { $file_limit } MB), or press "Skip".
receipts-file-refused = The file "{ $name }" cannot be a receipt. Photos and screenshots are accepted, and as a file a PDF or a picture (JPG, PNG, WEBP, HEIC) up to { $file_limit } MB. Send the receipt that way, or press "Skip".
receipts-attachment-refused = This attachment cannot be a receipt. Photos and screenshots are accepted, and as a file a PDF or a picture (JPG, PNG, WEBP, HEIC) up to { $file_limit } MB. Send the receipt that way, or press "Skip".
receipts-file-too-big = The file is over { $file_limit } MB, too much for a receipt. Send a smaller PDF, a screenshot or a photo of the receipt.

## The organizer: the payment report
receipts-report-file = Receipt: file attached.
receipts-report-file-elsewhere = Receipt: a file on another platform. The buyer sent it from another messenger, so it cannot be opened here.
